using EcomFunctions.Domain.Reviews;
using JiebaNet.Segmenter;

namespace EcomFunctions.Storage.Reviews;

/// <summary>
/// Chinese (and mixed Chinese/English) word segmentation with jieba.NET, for keyword insight.
/// <para>
/// jieba.NET reads its dictionary from files (copied to <c>jieba/</c> next to the assembly by the Storage project) and
/// finds them through a process-wide setting, so the folder is set once before the first segmenter exists. The first
/// use loads the 5 MB dictionary (about 1–2 s and 60 MB): register this class as a singleton and let the first keyword
/// request pay for it, not start-up. Each thread gets its own segmenter: the loaded dictionary is shared and only read,
/// but jieba.NET does not document its segmenter as thread-safe.
/// </para>
/// </summary>
public sealed class JiebaWordSegmenter : IWordSegmenter, IDisposable
{
    private static readonly Lock ConfigureLock = new();
    private static bool configured;

    private readonly ThreadLocal<JiebaSegmenter> segmenters = new(CreateSegmenter);

    /// <summary>Where the dictionary files are expected: <c>jieba/</c> beside this assembly.</summary>
    public static string ResourceDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "jieba");

    public IEnumerable<string> Segment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return segmenters.Value!.Cut(text, cutAll: false, hmm: true)
            .Where(word => !string.IsNullOrWhiteSpace(word))
            .ToList();
    }

    public void Dispose() => segmenters.Dispose();

    private static JiebaSegmenter CreateSegmenter()
    {
        lock (ConfigureLock)
        {
            if (!configured)
            {
                if (!File.Exists(Path.Combine(ResourceDirectory, "dict.txt")))
                {
                    throw new FileNotFoundException(
                        $"jieba.NET dictionary not found in {ResourceDirectory}; it is copied there by the EcomFunctions.Storage build.");
                }

                ConfigManager.ConfigFileBaseDir = ResourceDirectory;
                configured = true;
            }
        }

        return new JiebaSegmenter();
    }
}
