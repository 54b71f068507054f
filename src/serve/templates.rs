//! The pages' templates (maud, checked at compile time). Plain HTML with
//! one style sheet that works on a phone and without colour (every status
//! is written out, left and right are labelled), and a few lines of plain
//! JavaScript that filter a run's services as one types; the same filter
//! works without JavaScript through the query string.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::allow::Allowed;
use super::routes::RunFilterView;
use crate::history::{HistoryReport, HistorySide};
use crate::report::{Report, Status, Summary};
use crate::store::{HistorySummary, RunSummary};

const STYLE: &str = r#"
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:0 1rem 3rem;max-width:80rem;color:#111;background:#fff}
header{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap;border-bottom:2px solid #111;margin-bottom:1rem}
header a{color:inherit;text-decoration:none;font-weight:700}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin:1.5rem 0 .3rem}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#eee}
.scroll{overflow-x:auto}
code,.value{font-family:ui-monospace,monospace;font-size:.9em;white-space:pre-wrap;word-break:break-all}
.line{text-align:right;color:#555;font-family:ui-monospace,monospace;width:3.5rem}
form.inline{display:inline}
form.filters,form.compare{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0 1rem}
label{display:flex;flex-direction:column;font-size:.85rem}
input,select,button{font:inherit;padding:.3rem .4rem}
.status{font-weight:700;text-transform:uppercase;font-size:.8rem;border:1px solid #111;padding:0 .3rem}
.summary{font-weight:600}
@media (max-width:700px){
 table.diff thead{display:none}
 table.diff tr{display:block;border:1px solid #999;margin-bottom:.5rem}
 table.diff td{display:block;border:none}
 table.diff td[data-label]::before{content:attr(data-label) ": ";font-weight:700}
 .line{width:auto;text-align:left}
}
"#;

const FILTER_SCRIPT: &str = r#"
(function(){
  var form=document.querySelector('form.filters'); if(!form) return;
  var status=form.querySelector('[name=status]'), name=form.querySelector('[name=service]');
  function apply(){
    var s=status.value, n=name.value.toLowerCase(), shown=0;
    document.querySelectorAll('section.service').forEach(function(el){
      var ok=(!s||el.dataset.status===s)&&(!n||el.dataset.service.toLowerCase().indexOf(n)>=0);
      el.hidden=!ok; if(ok) shown++;
    });
    var count=document.getElementById('shown'); if(count) count.textContent=shown;
  }
  status.addEventListener('change',apply); name.addEventListener('input',apply);
  form.addEventListener('submit',function(e){e.preventDefault();apply();});
})();
"#;

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · confdiff" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a href="/" { "confdiff" }
                    h1 { (title) }
                }
                (body)
            }
        }
    }
}

fn summary_text(summary: &Summary) -> String {
    format!(
        "{} services: {} identical, {} different, {} missing on the left, {} missing on the right, {} errors; {} differences",
        summary.services,
        summary.identical,
        summary.different,
        summary.missing_left,
        summary.missing_right,
        summary.errors,
        summary.differences
    )
}

fn status_words(status: Status) -> &'static str {
    match status {
        Status::Identical => "identical",
        Status::Different => "different",
        Status::MissingLeft => "missing on the left",
        Status::MissingRight => "missing on the right",
        Status::Error => "error",
    }
}

/// The first page: the form, the runs, the histories.
pub fn index(
    runs: &[RunSummary],
    total: u64,
    histories: &[HistorySummary],
    allowed: &[Allowed],
) -> Markup {
    layout(
        "Runs",
        html! {
            h2 { "Start a comparison" }
            form.compare method="post" action="/compare" {
                label { "Repository"
                    select name="repository" {
                        @for entry in allowed { option value=(entry.shown()) { (entry.shown()) } }
                    }
                }
                label { "Left ([REV:]DIR)" input name="left" required placeholder="v1:implementation_1"; }
                label { "Right ([REV:]DIR)" input name="right" required placeholder="implementation_2"; }
                label { "Revision" input name="rev" value="HEAD"; }
                button type="submit" { "Compare" }
            }
            h2 { "Runs (" (runs.len()) " of " (total) ")" }
            @if runs.is_empty() {
                p { "No run is saved yet." }
            } @else {
                div.scroll { table #runs {
                    thead { tr { th { "Run" } th { "When (UTC)" } th { "Repository" } th { "Left" } th { "Right" } th { "Summary" } } }
                    tbody {
                        @for run in runs {
                            tr {
                                td { a href={ "/runs/" (run.id) } { "run " (run.id) } }
                                td { (run.created_at) }
                                td { code { (run.repository) } }
                                td { code { (run.left.rev) ":" (run.left.path) } }
                                td { code { (run.right.rev) ":" (run.right.path) } }
                                td { (summary_text(&run.summary)) }
                            }
                        }
                    }
                } }
            }
            h2 { "Histories" }
            @if histories.is_empty() {
                p { "No history is saved yet." }
            } @else {
                div.scroll { table #histories {
                    thead { tr { th { "History" } th { "When (UTC)" } th { "Repository" } th { "Sides" } th { "Range" } th { "Commits" } } }
                    tbody {
                        @for h in histories {
                            tr {
                                td { a href={ "/histories/" (h.id) } { "history " (h.id) } }
                                td { (h.created_at) }
                                td { code { (h.repository) } }
                                td { code { (side(&h.left)) " → " (side(&h.right)) } }
                                td { code { (h.range) } }
                                td { (h.stats.commits) }
                            }
                        }
                    }
                } }
            }
        },
    )
}

fn side(side: &HistorySide) -> String {
    match &side.rev {
        Some(rev) => format!("{rev}:{}", side.path),
        None => side.path.clone(),
    }
}

/// A run: its summary, the filter, one section per service that is not
/// identical.
pub fn run(report: &Report, filter: &RunFilterView) -> Markup {
    let id = report.run_id.unwrap_or_default();
    let statuses = [
        Status::Different,
        Status::MissingLeft,
        Status::MissingRight,
        Status::Error,
    ];
    let listed: Vec<_> = report
        .services
        .iter()
        .filter(|s| s.outcome.status() != Status::Identical)
        .collect();
    let shown = listed
        .iter()
        .filter(|s| filter.status.is_empty() || s.outcome.status().name() == filter.status)
        .filter(|s| {
            filter.service.is_empty()
                || s.service
                    .to_lowercase()
                    .contains(&filter.service.to_lowercase())
        })
        .count();
    layout(
        &format!("Run {id}"),
        html! {
            p { "Repository " code { (report.repository) } ", file " code { (report.file) } }
            div.scroll { table {
                tr { th { "Left" } td { code { (report.left.rev) ":" (report.left.path) } " at " code { (report.left.commit) } } }
                tr { th { "Right" } td { code { (report.right.rev) ":" (report.right.path) } " at " code { (report.right.commit) } } }
            } }
            p.summary #summary { (summary_text(&report.summary())) }
            p { a href={ "/api/runs/" (id) } { "This run as JSON" } }
            form.filters method="get" {
                label { "Status"
                    select name="status" {
                        option value="" { "any" }
                        @for status in statuses {
                            option value=(status.name()) selected[filter.status == status.name()] { (status_words(status)) }
                        }
                    }
                }
                label { "Service name contains" input name="service" value=(filter.service) autocomplete="off"; }
                button type="submit" { "Filter" }
            }
            p { "Showing " span #shown { (shown) } " of " (listed.len()) " services that are not identical." }
            @for service in &listed {
                @let status = service.outcome.status();
                @let hidden = !(filter.status.is_empty() || status.name() == filter.status)
                    || !(filter.service.is_empty() || service.service.to_lowercase().contains(&filter.service.to_lowercase()));
                section.service data-service=(service.service) data-status=(status.name()) hidden[hidden] {
                    h2 { (service.service) " " span.status { (status_words(status)) } }
                    @if let Some(error) = service.outcome.error() {
                        p { "Error (" (error.kind.name()) "): " code { (error.message) } }
                    }
                    @if let Some(differences) = service.outcome.differences() {
                        div.scroll { table.diff {
                            thead { tr { th { "Path" } th { "Kind" } th.line { "Line" } th { "Left value" } th.line { "Line" } th { "Right value" } } }
                            tbody {
                                @for d in differences {
                                    tr {
                                        td data-label="Path" { code { (d.path.to_string()) } }
                                        td data-label="Kind" { (d.kind.name()) }
                                        td.line data-label="Left line" { @if let Some(v) = &d.left { (v.line) } @else { "–" } }
                                        td.value data-label="Left" { @if let Some(v) = &d.left { (v.json.get()) } @else { "(absent)" } }
                                        td.line data-label="Right line" { @if let Some(v) = &d.right { (v.line) } @else { "–" } }
                                        td.value data-label="Right" { @if let Some(v) = &d.right { (v.json.get()) } @else { "(absent)" } }
                                    }
                                }
                            }
                        } }
                    }
                    @if status == Status::MissingLeft { p { "Only on the right (" code { (report.right.path) } ")." } }
                    @if status == Status::MissingRight { p { "Only on the left (" code { (report.left.path) } ")." } }
                }
            }
            script { (PreEscaped(FILTER_SCRIPT)) }
        },
    )
}

/// A history: the chart, then one row per commit with a button that
/// compares that commit's two sides.
pub fn history(history: &HistoryReport, chart_svg: &str, allowed: &[Allowed]) -> Markup {
    let id = history.history_id.unwrap_or_default();
    let svg = chart_svg
        .find("<svg")
        .map_or(chart_svg, |start| &chart_svg[start..]);
    let repository = allowed
        .iter()
        .find(|a| a.location() == history.repository || a.shown() == history.repository)
        .map_or(history.repository.as_str(), |a| a.shown());
    layout(
        &format!("History {id}"),
        html! {
            p { "Repository " code { (history.repository) } ", file " code { (history.file) } ", range " code { (history.range) } }
            p { code { (side(&history.left)) } " → " code { (side(&history.right)) } ", " (history.stats.commits) " commits" }
            p { a href={ "/api/histories/" (id) } { "This history as JSON" } }
            figure.chart { (PreEscaped(svg)) figcaption { "Services by status at each commit." } }
            div.scroll { table #rows {
                thead { tr { th { "Commit" } th { "Date" } th { "Subject" } th { "Summary" } th { "Comparison" } } }
                tbody {
                    @for row in &history.rows {
                        tr {
                            td { code { (row.commit.to_hex_with_len(10).to_string()) } }
                            td { (row.author_time) }
                            td { (row.subject) }
                            td { (summary_text(&row.summary)) }
                            td {
                                form.inline method="post" action="/compare" {
                                    input type="hidden" name="repository" value=(repository);
                                    input type="hidden" name="left" value={ (row.left_commit) ":" (history.left.path) };
                                    input type="hidden" name="right" value={ (row.right_commit) ":" (history.right.path) };
                                    button type="submit" { "Compare this commit" }
                                }
                            }
                        }
                    }
                }
            } }
        },
    )
}

/// A comparison that has not finished: the page reloads itself.
pub fn running(job: u64) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="refresh" content="1";
                title { "Comparing… · confdiff" }
                style { (PreEscaped(STYLE)) }
            }
            body { header { a href="/" { "confdiff" } h1 { "Comparing…" } }
                p { "Comparison pending-" (job) " is running; this page reloads until it is done." } }
        }
    }
}

/// An error page.
pub fn error(message: &str) -> Markup {
    layout(
        "Error",
        html! { p #error { (message) } p { a href="/" { "Back to the runs" } } },
    )
}
