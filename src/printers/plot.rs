//! The chart of a history: how many services were identical, different,
//! missing and in error at each commit, as an SVG image.

use std::io::{self, Write};

use plotters::prelude::*;

use crate::history::HistoryReport;
use crate::report::Summary;

/// Pixels; wide enough for dates under a few dozen commits, readable when
/// scaled down.
const SIZE: (u32, u32) = (1000, 480);

/// Renders `history` as an SVG document.
pub fn plot_history(history: &HistoryReport, out: &mut dyn Write) -> io::Result<()> {
    let mut svg = String::new();
    draw(history, &mut svg).map_err(|e| io::Error::other(format!("cannot draw the chart: {e}")))?;
    out.write_all(svg.as_bytes())
}

fn draw(history: &HistoryReport, svg: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let rows = &history.rows;
    let top = rows
        .iter()
        .map(|r| r.summary.services)
        .max()
        .unwrap_or(0)
        .max(1);
    let last = rows.len().saturating_sub(1).max(1);
    let title = format!(
        "{} → {}  ({}, {} commits)",
        history.left.path,
        history.right.path,
        history.range,
        rows.len()
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(48)
        .build_cartesian_2d(0..last, 0..top + top / 10 + 1)?;
    let label = |i: &usize| {
        rows.get(*i).map_or_else(String::new, |row| {
            let date = row.author_time.get(..10).unwrap_or(&row.author_time);
            format!("{} {date}", row.commit.to_hex_with_len(7))
        })
    };
    chart
        .configure_mesh()
        .x_labels(6)
        .x_label_formatter(&label)
        .y_desc("services")
        .x_desc("commit")
        .draw()?;
    type Count = fn(&Summary) -> usize;
    let series: [(&str, RGBColor, Count); 4] = [
        ("identical", RGBColor(46, 139, 87), |s| s.identical),
        ("different", RGBColor(214, 137, 16), |s| s.different),
        ("missing", RGBColor(52, 101, 164), |s| {
            s.missing_left + s.missing_right
        }),
        ("errors", RGBColor(204, 0, 0), |s| s.errors),
    ];
    for (name, color, count) in series {
        let points: Vec<(usize, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| (i, count(&row.summary)))
            .collect();
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    root.present()?;
    Ok(())
}
