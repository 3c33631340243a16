using System.Globalization;
using System.Text;

namespace EcomFunctions.Domain.Campaigns;

/// <summary>
/// The evaluation report as CSV (RFC 4180): one header, then one row per figure in four columns
/// <c>section,scope,metric,value</c> so that every row has the same shape and spreadsheets can pivot it. Invariant
/// culture (decimal point, ISO 8601 UTC times), CRLF line ends, fields quoted when they contain a comma, quote, CR or
/// LF (quotes doubled). Unknown values (null ratios) are empty fields. Operator-written text that a spreadsheet would
/// read as a formula (starting with = + - @ or a tab/CR) is prefixed with an apostrophe (CSV injection).
/// </summary>
public static class EvaluationReportCsv
{
    public const string Header = "section,scope,metric,value";

    public static string Render(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        csv.Append(Header).Append("\r\n");

        void Row(string section, string scope, string metric, string? value, bool text = false) =>
            csv.Append(Field(section)).Append(',')
               .Append(Field(scope)).Append(',')
               .Append(Field(metric)).Append(',')
               .Append(Field(text ? Defuse(value) : value)).Append("\r\n");

        Row("campaign", "", "id", report.CampaignId, text: true);
        Row("campaign", "", "name", report.Name, text: true);
        Row("campaign", "", "theme", report.Theme, text: true);
        Row("campaign", "", "goalType", report.GoalType.ToString());
        Row("campaign", "", "state", report.State.ToString());
        Row("campaign", "", "version", Number(report.CampaignVersion));
        Row("campaign", "", "currency", report.Currency, text: true);
        Row("campaign", "", "timeZone", report.TimeZoneId, text: true);
        Row("campaign", "", "preheatStart", Time(report.PreheatStart));
        Row("campaign", "", "start", Time(report.Window.Start));
        Row("campaign", "", "end", Time(report.Window.End));
        Row("campaign", "", "generatedAt", Time(report.GeneratedAt));
        if (report.Termination is { } termination)
        {
            Row("campaign", "", "terminatedBy", termination.By, text: true);
            Row("campaign", "", "terminatedAt", Time(termination.At));
            Row("campaign", "", "terminationReason", termination.Comment, text: true);
        }

        var t = report.Totals;
        Row("totals", "", "sales", Number(t.Sales));
        Row("totals", "", "orders", Number(t.Orders));
        Row("totals", "", "averageOrderValue", Number(t.AverageOrderValue));
        Row("totals", "", "visits", Number(t.Visits));
        Row("totals", "", "pageViews", Number(t.PageViews));
        Row("totals", "", "pageViewsPerVisit", Number(t.PageViewsPerVisit));
        Row("totals", "", "conversionRate", Number(t.ConversionRate));
        Row("totals", "", "newMembers", Number(t.NewMembers));
        Row("totals", "", "participatingMembers", Number(t.ParticipatingMembers));
        Row("totals", "", "newUserShare", Number(t.NewUserShare));
        Row("totals", "", "eligibleMembers", Number(t.EligibleMembers));
        Row("totals", "", "coverage", Number(t.Coverage));
        Row("totals", "", "sellThroughRate", Number(t.SellThroughRate));
        Row("totals", "", "cost", Number(t.Cost));
        Row("totals", "", "roi", Number(t.Roi));

        var b = report.Baseline;
        Row("baseline", "", "start", Time(b.Window.Start));
        Row("baseline", "", "end", Time(b.Window.End));
        Row("baseline", "", "known", b.Known ? "true" : "false");
        Row("baseline", "", "sales", b.Known ? Number(b.BaselineSales) : null);
        Row("baseline", "", "orders", b.Known ? Number(b.BaselineOrders) : null);
        Row("baseline", "", "incrementalSales", Number(b.IncrementalSales));
        Row("baseline", "", "salesLift", Number(b.SalesLift));
        Row("baseline", "", "incrementalRoi", Number(b.IncrementalRoi));

        var target = report.Target;
        Row("target", "", "metric", target.Metric?.ToString());
        Row("target", "", "target", Number(target.Target));
        Row("target", "", "actual", Number(target.Actual));
        Row("target", "", "achievement", Number(target.Achievement));
        Row("target", "", "met", target.Met is { } met ? (met ? "true" : "false") : null);

        foreach (var (section, segments) in new[] { ("channel", report.ByChannel), ("variant", report.ByVariant) })
        {
            foreach (var s in segments)
            {
                Row(section, s.Segment, "visits", Number(s.Visits));
                Row(section, s.Segment, "pageViews", Number(s.PageViews));
                Row(section, s.Segment, "orders", Number(s.Orders));
                Row(section, s.Segment, "sales", Number(s.Sales));
                Row(section, s.Segment, "averageOrderValue", Number(s.AverageOrderValue));
                Row(section, s.Segment, "conversionRate", Number(s.ConversionRate));
                Row(section, s.Segment, "cost", Number(s.Cost));
                Row(section, s.Segment, "roi", Number(s.Roi));
            }
        }

        foreach (var line in report.BudgetVariance)
        {
            var scope = line.Line.ToString();
            Row("budget", scope, "planned", Number(line.Planned));
            Row("budget", scope, "reallocated", Number(line.Reallocated));
            Row("budget", scope, "allocated", Number(line.Allocated));
            Row("budget", scope, "spent", Number(line.Spent));
            Row("budget", scope, "remaining", Number(line.Remaining));
            Row("budget", scope, "varianceToPlan", Number(line.VarianceToPlan));
            Row("budget", scope, "burn", Number(line.Burn is { } burn ? decimal.Round(burn, EvaluationReport.RatioDecimals, MidpointRounding.AwayFromZero) : null));
        }

        Row("incidents", "", "open", Number(report.OpenIncidents));
        foreach (var i in report.Incidents)
        {
            Row("incident", i.Id, "type", i.Type.ToString());
            Row("incident", i.Id, "severity", i.Severity.ToString());
            Row("incident", i.Id, "title", i.Title, text: true);
            Row("incident", i.Id, "owner", i.Owner, text: true);
            Row("incident", i.Id, "status", i.Status.ToString());
            Row("incident", i.Id, "openedAt", Time(i.OpenedAt));
            Row("incident", i.Id, "resolvedAt", Time(i.ResolvedAt));
            Row("incident", i.Id, "actions", i.Actions, text: true);
            Row("incident", i.Id, "resolution", i.Resolution, text: true);
        }

        Row("notes", "", "lessonsLearned", report.LessonsLearned, text: true);
        return csv.ToString();
    }

    /// <summary>RFC 4180 field: quoted (quotes doubled) when it contains a comma, a quote, CR or LF.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static string? Defuse(string? text) =>
        text is { Length: > 0 } && "=+-@\t\r".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;

    private static string? Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Time(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
