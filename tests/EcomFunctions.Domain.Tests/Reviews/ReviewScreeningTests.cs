using EcomFunctions.Domain.Reviews;
using Moq;

namespace EcomFunctions.Domain.Tests.Reviews;

public sealed class ReviewScreeningTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly Blocklist Blocklist = Blocklist.Compile(DefaultBlocklist.Entries).GetValueOrThrow();

    private static ReviewSignals Signals(int rating = 4) => new()
    {
        MemberId = "member-1",
        Rating = rating,
        VerifiedPurchase = true,
        SubmittedAt = Now,
        AccountCreatedAt = Now.AddYears(-2),
    };

    private static ScreeningResult Screen(string text, ReviewSignals? signals = null, ModerationOptions? options = null) =>
        new ReviewScreening(options ?? new ModerationOptions()).Screen(text, signals ?? Signals(), Blocklist);

    [Fact]
    public void A_clean_review_is_approved_without_reasons()
    {
        var result = Screen("质量很好，物流很快，客服态度也不错，会回购。");

        Assert.Equal(ScreeningDecision.AutoApproved, result.Decision);
        Assert.Empty(result.Reasons);
    }

    [Fact]
    public void A_harsh_but_clean_negative_review_is_approved()
    {
        Assert.Equal(ScreeningDecision.AutoApproved, Screen("垃圾产品，客服就是骗子，差评！", Signals(rating: 1)).Decision);
    }

    [Fact]
    public void A_reject_term_rejects_and_records_where_it_is()
    {
        const string text = "卖家是个傻\u200b逼";
        var result = Screen(text);

        Assert.Equal(ScreeningDecision.AutoRejected, result.Decision);
        var reason = Assert.Single(result.Reasons);
        Assert.Equal((ScreeningReasonCodes.Blocklist, ModerationCategory.Profanity, ModerationAction.Reject), (reason.Code, reason.Category, reason.Action));
        var span = Assert.Single(reason.Spans);
        Assert.Equal("傻\u200b逼", text.Substring(span.Start, span.Length));
    }

    [Fact]
    public void A_review_term_asks_for_review()
    {
        var result = Screen("比拼多多贵了十块钱");

        Assert.Equal(ScreeningDecision.NeedsReview, result.Decision);
        Assert.Equal([ModerationCategory.Competitor], result.FlaggedCategories);
    }

    [Fact]
    public void A_term_inside_a_longer_match_of_the_same_kind_is_not_reported_twice()
    {
        var result = Screen("他妈的，等了半个月");

        var reason = Assert.Single(result.Reasons);
        Assert.Contains("他妈的", reason.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mobile_number_rejects_and_its_digits_are_masked_in_the_detail()
    {
        var result = Screen("需要的联系 138 1234 5678");

        Assert.Equal(ScreeningDecision.AutoRejected, result.Decision);
        var reason = Assert.Single(result.Reasons, r => r.Code == ScreeningReasonCodes.MobilePhone);
        Assert.Equal(ModerationCategory.ContactLure, reason.Category);
        Assert.Contains("138*****678", reason.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", reason.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Contact_actions_are_options()
    {
        var options = new ModerationOptions { MobilePhoneAction = ModerationAction.Review };

        Assert.Equal(ScreeningDecision.NeedsReview, Screen("电话 13812345678", options: options).Decision);
    }

    [Fact]
    public void One_link_in_a_real_review_asks_for_review()
    {
        var result = Screen("官网 https://www.apple.com/cn 上也是这个价格，放心买。");

        Assert.Equal(ScreeningDecision.NeedsReview, result.Decision);
        Assert.Equal([ScreeningReasonCodes.Url], result.Reasons.Select(r => r.Code));
    }

    [Fact]
    public void A_link_with_hardly_any_other_text_is_link_spam()
    {
        var result = Screen("详情看 www.cheap-bags.com");

        Assert.Equal(ScreeningDecision.AutoRejected, result.Decision);
        Assert.True(result.HasReason(ScreeningReasonCodes.LinkDensity));
    }

    [Fact]
    public void More_links_than_allowed_is_link_spam()
    {
        var result = Screen("Really nice quality, see the photos at a-shop.com and more at b-shop.net, you will love it");

        Assert.Equal(ScreeningDecision.AutoRejected, result.Decision);
        Assert.Equal(2, result.Reasons.Single(r => r.Code == ScreeningReasonCodes.LinkDensity).Spans.Count);
    }

    [Fact]
    public void A_review_that_is_mostly_a_flood_asks_for_review()
    {
        var result = Screen("好好好好好好好好好好好好好好好好");

        Assert.Equal(ScreeningDecision.NeedsReview, result.Decision);
        Assert.Equal(ScreeningReasonCodes.CharacterFlood, Assert.Single(result.Reasons).Code);
    }

    [Fact]
    public void A_small_flood_in_a_real_review_is_only_noted()
    {
        var result = Screen("哈哈哈哈哈哈，太可爱了这个杯子，每天用它喝水心情都好。");

        Assert.Equal(ScreeningDecision.AutoApproved, result.Decision);
        Assert.Equal(ModerationAction.Note, Assert.Single(result.Reasons).Action);
    }

    [Fact]
    public void Notes_in_one_category_do_not_add_up_but_notes_in_two_categories_ask_for_review()
    {
        var options = new ModerationOptions { NewAccountFiveStarAction = ModerationAction.Note };
        var shouting = "ABSOLUTELY AMAZING PRODUCT!!!!!!!!!! BUY IT NOW!!!!!!!!";

        var oldAccount = Screen(shouting, Signals(rating: 5), options);
        var newAccount = Screen(shouting, Signals(rating: 5) with { AccountCreatedAt = Now.AddHours(-3) }, options);

        Assert.Equal(ScreeningDecision.AutoApproved, oldAccount.Decision);
        Assert.Equal([ScreeningReasonCodes.CharacterFlood, ScreeningReasonCodes.AllCaps], oldAccount.Reasons.Select(r => r.Code));
        Assert.Equal(ScreeningDecision.NeedsReview, newAccount.Decision);
        Assert.True(newAccount.HasReason(ScreeningReasonCodes.CombinedNotes));
    }

    [Fact]
    public void An_unverified_purchase_asks_for_review()
    {
        var result = Screen("东西不错，物流很快。", Signals() with { VerifiedPurchase = false });

        Assert.Equal(ScreeningDecision.NeedsReview, result.Decision);
        Assert.Equal((ScreeningReasonCodes.UnverifiedPurchase, ModerationCategory.Fake), (result.Reasons[0].Code, result.Reasons[0].Category));
    }

    [Theory]
    [InlineData(4, ScreeningDecision.AutoApproved)]
    [InlineData(5, ScreeningDecision.NeedsReview)]
    [InlineData(9, ScreeningDecision.NeedsReview)]
    public void A_burst_of_reviews_from_one_member_asks_for_review(int earlierReviews, ScreeningDecision expected)
    {
        Assert.Equal(expected, Screen("质量很好。", Signals() with { RecentReviewsByMember = earlierReviews }).Decision);
    }

    [Theory]
    [InlineData(5, 23, ScreeningDecision.NeedsReview)]
    [InlineData(5, 24, ScreeningDecision.AutoApproved)]
    [InlineData(4, 1, ScreeningDecision.AutoApproved)]
    public void Five_stars_from_a_brand_new_account_asks_for_review(int rating, int accountAgeHours, ScreeningDecision expected)
    {
        var signals = Signals(rating) with { AccountCreatedAt = Now.AddHours(-accountAgeHours) };

        Assert.Equal(expected, Screen("完美，五星！", signals).Decision);
    }

    [Fact]
    public void Near_duplicates_from_other_members_ask_for_review_and_from_many_members_reject()
    {
        const string text = "这款精华液真的太好用了，用了一周脸上的痘印明显淡了，皮肤也变得又白又嫩，强烈推荐给所有姐妹！";
        var screening = new ReviewScreening(new ModerationOptions());
        var prepared = screening.Prepare(text);
        NearDuplicateCandidate Copy(string member, int hoursAgo) => new($"r-{member}-{hoursAgo}", member, prepared.Fingerprint, Now.AddHours(-hoursAgo));

        var two = screening.Screen(prepared, Signals() with { NearDuplicates = [Copy("a", 1), Copy("b", 2), Copy("b", 3)] }, Blocklist);
        var three = screening.Screen(prepared, Signals() with { NearDuplicates = [Copy("a", 1), Copy("b", 2), Copy("c", 3)] }, Blocklist);

        Assert.True(prepared.IsNearDuplicateComparable);
        Assert.Equal(4, prepared.NearDuplicateBandKeys.Count);
        Assert.Equal(ScreeningDecision.NeedsReview, two.Decision);
        Assert.Equal(ScreeningDecision.AutoRejected, three.Decision);
        Assert.Equal(ModerationCategory.Spam, three.Reasons.Single().Category);
    }

    [Fact]
    public void Near_duplicates_outside_the_window_or_by_the_same_member_do_not_count()
    {
        const string text = "老顾客了，一直在这家买，质量稳定，发货快，客服态度好，值得信赖。";
        var screening = new ReviewScreening(new ModerationOptions());
        var prepared = screening.Prepare(text);

        var result = screening.Screen(prepared, Signals() with
        {
            NearDuplicates =
            [
                new("old", "other", prepared.Fingerprint, Now.AddDays(-8)),
                new("mine", "member-1", prepared.Fingerprint, Now.AddDays(-1)),
            ],
        }, Blocklist);

        Assert.Equal(ScreeningDecision.AutoApproved, result.Decision);
        Assert.Equal([ScreeningReasonCodes.SelfDuplicate], result.Reasons.Select(r => r.Code));
    }

    [Fact]
    public void Short_stock_phrases_are_not_compared_for_near_duplicates()
    {
        var screening = new ReviewScreening(new ModerationOptions());

        Assert.False(screening.Prepare("很好，好评！").IsNearDuplicateComparable);
        Assert.False(screening.Prepare("Good quality, fast delivery.").IsNearDuplicateComparable);
        Assert.Empty(screening.Prepare("Good quality, fast delivery.").NearDuplicateBandKeys);
    }

    [Fact]
    public void Every_reason_is_recorded_when_several_apply()
    {
        var result = Screen("约炮加我 qq 123456789", Signals() with { VerifiedPurchase = false });

        Assert.Equal(ScreeningDecision.AutoRejected, result.Decision);
        Assert.Equal(
            [ScreeningReasonCodes.Blocklist, ScreeningReasonCodes.MessagingId, ScreeningReasonCodes.UnverifiedPurchase],
            result.Reasons.Select(r => r.Code));
        Assert.Equal([ModerationCategory.Sexual, ModerationCategory.ContactLure, ModerationCategory.Fake], result.FlaggedCategories.Order());
    }

    [Fact]
    public void The_classifier_can_make_a_decision_stricter()
    {
        var screening = new ReviewScreening(new ModerationOptions { ClassifierEnabled = true });
        var local = screening.Screen("Nice colour, fits well.", Signals(), Blocklist);

        var result = screening.ApplyClassifier(local, new ClassifierVerdict([new(ModerationCategory.Hate, 0.9), new(ModerationCategory.Violence, 0.2)]));

        Assert.Equal(ScreeningDecision.AutoApproved, local.Decision);
        Assert.Equal(ScreeningDecision.AutoRejected, result.Decision);
        var reason = Assert.Single(result.Reasons);
        Assert.Equal((ScreeningReasonCodes.Classifier, ModerationCategory.Hate, ModerationAction.Reject), (reason.Code, reason.Category, reason.Action));
    }

    [Fact]
    public void The_classifier_cannot_approve_what_local_screening_holds_back()
    {
        var screening = new ReviewScreening(new ModerationOptions { ClassifierEnabled = true });
        var local = screening.Screen("比拼多多贵了十块钱", Signals(), Blocklist);

        var result = screening.ApplyClassifier(local, new ClassifierVerdict([]));

        Assert.Equal(ScreeningDecision.NeedsReview, result.Decision);
    }

    [Fact]
    public void A_medium_severity_asks_for_review()
    {
        var screening = new ReviewScreening(new ModerationOptions { ClassifierEnabled = true });
        var local = screening.Screen("Nice colour, fits well.", Signals(), Blocklist);

        Assert.Equal(ScreeningDecision.NeedsReview, screening.ApplyClassifier(local, new ClassifierVerdict([new(ModerationCategory.Sexual, 0.6)])).Decision);
    }

    [Fact]
    public async Task A_disabled_classifier_is_never_called()
    {
        var classifier = new Mock<IContentClassifier>(MockBehavior.Strict);
        var screening = new ReviewScreening(new ModerationOptions());

        var result = await screening.ScreenAsync(screening.Prepare("Nice colour."), Signals(), Blocklist, classifier.Object, CancellationToken.None);

        Assert.Equal(ScreeningDecision.AutoApproved, result.Decision);
        classifier.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_locally_rejected_review_is_not_sent_to_the_classifier()
    {
        var classifier = new Mock<IContentClassifier>(MockBehavior.Strict);
        var screening = new ReviewScreening(new ModerationOptions { ClassifierEnabled = true });

        var result = await screening.ScreenAsync(screening.Prepare("傻逼卖家"), Signals(), Blocklist, classifier.Object, CancellationToken.None);

        Assert.Equal(ScreeningDecision.AutoRejected, result.Decision);
        classifier.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_failing_classifier_keeps_the_local_decision_and_says_so()
    {
        var classifier = new Mock<IContentClassifier>();
        classifier.Setup(c => c.ClassifyAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new HttpRequestException("503"));
        var screening = new ReviewScreening(new ModerationOptions { ClassifierEnabled = true });

        var result = await screening.ScreenAsync(screening.Prepare("Nice colour."), Signals(), Blocklist, classifier.Object, CancellationToken.None);

        Assert.Equal(ScreeningDecision.AutoApproved, result.Decision);
        var reason = Assert.Single(result.Reasons);
        Assert.Equal((ScreeningReasonCodes.ClassifierUnavailable, ModerationAction.Note), (reason.Code, reason.Action));
    }

    [Fact]
    public async Task An_unavailable_classifier_can_be_configured_to_send_reviews_to_a_human()
    {
        var classifier = new Mock<IContentClassifier>();
        classifier.Setup(c => c.ClassifyAsync("Nice colour.", It.IsAny<CancellationToken>())).ReturnsAsync(ClassifierVerdict.Unavailable("timeout"));
        var screening = new ReviewScreening(new ModerationOptions { ClassifierEnabled = true, ClassifierUnavailableAction = ModerationAction.Review });

        var result = await screening.ScreenAsync(screening.Prepare("Nice colour."), Signals(), Blocklist, classifier.Object, CancellationToken.None);

        Assert.Equal(ScreeningDecision.NeedsReview, result.Decision);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        var options = new ModerationOptions { NearDuplicateMaxDistance = 9, ClassifierRejectSeverity = 0.3 };

        var errors = options.Validate().ToDictionary();

        Assert.Equal([nameof(ModerationOptions.ClassifierRejectSeverity), nameof(ModerationOptions.NearDuplicateMaxDistance)], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Throws<ArgumentException>(() => new ReviewScreening(options));
    }

    [Fact]
    public void The_default_blocklist_compiles()
    {
        Assert.True(Blocklist.Compile(DefaultBlocklist.Entries).IsSuccess);
    }
}
