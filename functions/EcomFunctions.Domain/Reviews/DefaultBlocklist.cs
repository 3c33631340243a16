namespace EcomFunctions.Domain.Reviews;

/// <summary>
/// The starting blocklist the App saves when operators have saved none. Operators own the list afterwards. The
/// choices: insults and sexual solicitation are rejected; mild swearing in an honest complaint ("shit product") and
/// mere mentions (another marketplace, "好评返现", "私聊") go to a human; ordinary negative words ("垃圾", "骗子",
/// "damn", "sucks") are not listed at all, because bad reviews must be publishable. Latin terms match whole words
/// unless starred (see <see cref="BlocklistEntry"/>); Chinese terms match anywhere, so they are kept specific
/// ("京东商城", not "京东", which is also a courier many shops ship with).
/// </summary>
public static class DefaultBlocklist
{
    public static IReadOnlyList<BlocklistEntry> Entries { get; } = Build();

    private static List<BlocklistEntry> Build()
    {
        var entries = new List<BlocklistEntry>();
        void Add(ModerationCategory category, ModerationAction action, params string[] terms) =>
            entries.AddRange(terms.Select(t => new BlocklistEntry(t, category, action)));

        Add(ModerationCategory.Profanity, ModerationAction.Reject,
            "傻逼", "傻b", "煞笔", "沙比", "傻屄", "操你妈", "草泥马", "操你", "日你妈", "干你娘", "你妈逼", "cnm", "nmsl",
            "狗日的", "婊子", "贱人", "死全家", "滚你妈", "王八蛋", "杂种", "*fuck*", "bitch*", "asshole*", "cunt*",
            "bastard*", "retard*", "stfu", "motherfucker*", "dickhead*");
        Add(ModerationCategory.Profanity, ModerationAction.Review,
            "他妈的", "妈的", "尼玛", "卧槽", "脑残", "白痴", "智障", "傻缺", "sb", "shit*", "bullshit", "ass", "dick",
            "wtf", "piss off", "crappy ass");
        Add(ModerationCategory.Hate, ModerationAction.Reject, "黑鬼", "支那", "nigger*", "faggot*");
        Add(ModerationCategory.Violence, ModerationAction.Reject, "砍死你", "弄死你", "杀了你", "杀你全家", "kill you", "i will kill");
        Add(ModerationCategory.Sexual, ModerationAction.Reject,
            "约炮", "裸聊", "援交", "一夜情", "色情", "黄片", "黄色网站", "*porn*", "hookup", "sexting", "onlyfans", "escort service");
        Add(ModerationCategory.Politics, ModerationAction.Review, "法轮", "台独", "藏独", "疆独", "六四事件", "反共");
        Add(ModerationCategory.Illegal, ModerationAction.Reject,
            "赌博", "博彩", "网赌", "六合彩", "时时彩", "百家乐", "代开发票", "发票代开", "办证", "假证", "枪支", "毒品", "冰毒",
            "迷药", "代孕", "online casino", "sports betting");
        Add(ModerationCategory.Illegal, ModerationAction.Review, "高仿", "a货", "大麻");
        Add(ModerationCategory.Ads, ModerationAction.Review,
            "代购", "兼职", "日赚", "日结", "加盟", "招代理", "免费领取", "扫码", "二维码", "进群", "微商", "详聊",
            "work from home", "earn money", "make money online", "click here", "free gift card", "visit my shop");
        Add(ModerationCategory.ContactLure, ModerationAction.Review,
            "加微信", "加我微信", "加v", "加薇", "加vx", "加qq", "加扣扣", "私聊", "私信我", "联系我", "dm me", "add me on",
            "text me", "whatsapp me", "contact me");
        Add(ModerationCategory.Competitor, ModerationAction.Review,
            "淘宝", "天猫", "拼多多", "京东商城", "京东自营", "唯品会", "苏宁易购", "抖音小店", "闲鱼", "taobao", "tmall", "pinduoduo", "temu", "shein",
            "aliexpress", "ebay", "amazon");
        Add(ModerationCategory.Fake, ModerationAction.Review,
            "好评返现", "返现", "晒图返", "五星好评返", "好评有礼", "刷好评", "刷单", "cashback for", "free product for review",
            "paid review");
        return entries;
    }
}
