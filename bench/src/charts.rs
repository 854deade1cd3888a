//! SVG charts of a run (plotters, SVG backend only): grouped bars per input and engine on a
//! log scale, one chart per suite, written next to the markdown report.

use std::path::{Path, PathBuf};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::engines::{COMPILED, SUBJECT};
use crate::measure::geomean;
use crate::report::{mbps, median_of, pairs, throughput_ratio, time_ratio, Figure, ModuleRow, Pair, Results, METERED};
use crate::workloads::Group;

/// One bar series: an engine (or a ratio) and its value per category, `None` when not measured.
type Series = (String, Vec<Option<f64>>);

/// A per-module chart: rows, file, title, unit, and the value plotted for a median time.
type ModuleChart<'a> = (&'a [ModuleRow], &'static str, &'static str, &'static str, fn(&ModuleRow, f64) -> f64);

/// A ratio of two engines' medians on one row.
type Ratio = fn(&[Figure], Pair) -> Option<f64>;

/// Writes every chart the results have data for.
pub fn write_all(r: &Results, dir: &Path) -> Vec<Result<PathBuf, String>> {
    let mut out = Vec::new();
    if !r.exec.is_empty() {
        let cats: Vec<String> = r.exec.iter().map(|x| x.workload.clone()).collect();
        let engines: Vec<&str> = r.exec[0].figures.iter().map(|f| f.engine).collect();
        let series = engines
            .iter()
            .map(|e| (e.to_string(), r.exec.iter().map(|x| relative(&x.figures, e)).collect()))
            .collect::<Vec<Series>>();
        out.push(bars(
            &dir.join("execution.svg"),
            "Execution time relative to gasket (lower is faster)",
            "time / gasket's time",
            &cats,
            &series,
        ));
        let series = METERED
            .iter()
            .map(|(m, p)| {
                let v = r.exec.iter().map(|x| Some(median_of(&x.figures, m)? / median_of(&x.figures, p)?)).collect();
                (format!("{m}/{p}"), v)
            })
            .collect::<Vec<Series>>();
        out.push(bars(
            &dir.join("metering.svg"),
            "Metering overhead: metered / unmetered time",
            "time ratio",
            &cats,
            &series,
        ));
    }
    let module_charts: [ModuleChart; 3] = [
        (&r.prep, "preparation.svg", "Preparation throughput (higher is better)", "MB/s", |row, t| mbps(row.bytes, t)),
        (&r.inst, "instantiation.svg", "Instantiation time (lower is better)", "µs", |_, t| t * 1e6),
        (
            &r.corpus,
            "bomb-corpus.svg",
            "Bomb corpus: preparation time per byte (lower is better)",
            "ns/byte",
            |row, t| t * 1e9 / row.bytes as f64,
        ),
    ];
    for (rows, file, title, unit, value) in module_charts {
        if rows.is_empty() {
            continue;
        }
        let cats: Vec<String> = rows.iter().map(|x| x.input.clone()).collect();
        let engines: Vec<&str> = rows[0].figures.iter().map(|f| f.engine).collect();
        let series = engines
            .iter()
            .map(|e| {
                (e.to_string(), rows.iter().map(|row| median_of(&row.figures, e).map(|t| value(row, t))).collect())
            })
            .collect::<Vec<Series>>();
        out.push(bars(&dir.join(file), title, unit, &cats, &series));
    }
    if let Some(s) = summary_chart(r, dir) {
        out.push(s);
    }
    if let Some(s) = groups_chart(r, dir) {
        out.push(s);
    }
    out
}

/// An engine's median relative to gasket's on the same row.
fn relative(figures: &[Figure], engine: &str) -> Option<f64> {
    Some(median_of(figures, engine)? / median_of(figures, SUBJECT)?)
}

/// Geometric means of gasket/peer per suite: one category per suite, one series per peer.
fn summary_chart(r: &Results, dir: &Path) -> Option<Result<PathBuf, String>> {
    let peer_names = pairs(r.exec.iter().flat_map(|x| &x.figures).chain(r.prep.iter().flat_map(|x| &x.figures)));
    let suites: [(&str, Vec<&[Figure]>, Ratio); 4] = [
        ("execution time", r.exec.iter().map(|x| x.figures.as_slice()).collect(), time_ratio),
        ("preparation MB/s", r.prep.iter().map(|x| x.figures.as_slice()).collect(), throughput_ratio),
        ("instantiation time", r.inst.iter().map(|x| x.figures.as_slice()).collect(), time_ratio),
        ("bomb corpus ns/byte", r.corpus.iter().map(|x| x.figures.as_slice()).collect(), time_ratio),
    ];
    let suites: Vec<_> = suites.into_iter().filter(|s| !s.1.is_empty()).collect();
    if suites.is_empty() || peer_names.is_empty() {
        return None;
    }
    let cats: Vec<String> = suites.iter().map(|s| s.0.to_string()).collect();
    let series: Vec<Series> = peer_names
        .iter()
        .map(|p| {
            let v = suites
                .iter()
                .map(|(_, rows, ratio)| geomean(&rows.iter().filter_map(|f| ratio(f, *p)).collect::<Vec<_>>()))
                .collect();
            (p.label(), v)
        })
        .collect();
    let title = "Summary: geomean gasket/peer (time: lower is better for gasket; MB/s: higher)";
    Some(bars(&dir.join("summary.svg"), title, "gasket / peer", &cats, &series))
}

const WASMI: Pair = Pair { subject: SUBJECT, peer: "wasmi-eager" };
const COMPILED_WINCH: Pair = Pair { subject: COMPILED, peer: "wasmtime-winch" };

/// Per workload group: geomeans of gasket/wasmi-eager execution time, of the metering overhead
/// of gasket and of wasmi's fuel, and of gasket/wasmi-eager preparation throughput.
fn groups_chart(r: &Results, dir: &Path) -> Option<Result<PathBuf, String>> {
    let groups: Vec<Group> = Group::ALL.into_iter().filter(|g| r.exec.iter().any(|x| x.group == *g)).collect();
    if groups.is_empty() {
        return None;
    }
    let exec = |g: Group, f: &dyn Fn(&[Figure]) -> Option<f64>| {
        geomean(&r.exec.iter().filter(|x| x.group == g).filter_map(|x| f(&x.figures)).collect::<Vec<_>>())
    };
    let metered = |m: &'static str, p: &'static str| move |f: &[Figure]| Some(median_of(f, m)? / median_of(f, p)?);
    let series: Vec<Series> = vec![
        ("execution gasket/wasmi-eager".into(), groups.iter().map(|&g| exec(g, &|f| time_ratio(f, WASMI))).collect()),
        (
            "execution gasket-compiled/wasmtime-winch".into(),
            groups.iter().map(|&g| exec(g, &|f| time_ratio(f, COMPILED_WINCH))).collect(),
        ),
        (
            "metering gasket-metered/gasket".into(),
            groups.iter().map(|&g| exec(g, &metered("gasket-metered", "gasket"))).collect(),
        ),
        (
            "metering wasmi-fuel/wasmi-eager".into(),
            groups.iter().map(|&g| exec(g, &metered("wasmi-fuel", "wasmi-eager"))).collect(),
        ),
        (
            "preparation MB/s gasket/wasmi-eager".into(),
            groups
                .iter()
                .map(|&g| {
                    let xs: Vec<f64> = r
                        .prep
                        .iter()
                        .filter(|x| x.group == Some(g))
                        .filter_map(|x| throughput_ratio(&x.figures, WASMI))
                        .collect();
                    geomean(&xs)
                })
                .collect(),
        ),
    ];
    let cats: Vec<String> = groups.iter().map(|g| g.label().to_string()).collect();
    let title = "By workload group: geomean ratios (time and metering: lower is better; MB/s: higher)";
    Some(bars(&dir.join("groups.svg"), title, "ratio", &cats, &series))
}

/// A grouped bar chart on a log scale; category names written vertically under the axis.
fn bars(path: &Path, title: &str, unit: &str, cats: &[String], series: &[Series]) -> Result<PathBuf, String> {
    let vals: Vec<f64> = series.iter().flat_map(|s| s.1.iter().flatten().copied()).filter(|v| *v > 0.0).collect();
    if vals.is_empty() {
        return Err(format!("{}: nothing measured", path.display()));
    }
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min) / 1.5;
    let max = vals.iter().copied().fold(0.0, f64::max);
    // Headroom for the legend (a line per series) above the tallest bar, on the log scale.
    let legend = (0.05 * series.len() as f64).min(0.6);
    let hi = max * (max / lo).max(4.0).powf(legend / (1.0 - legend)) * 1.2;
    let slot = series.len() * 9 + 12;
    let width = (120 + cats.len() * slot).max(900) as u32;
    let label_room = 20 + 6 * cats.iter().map(|c| c.chars().count()).max().unwrap_or(0) as u32;
    let height = 480 + label_room;
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let root = SVGBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (plot_area, _) = root.split_vertically(height - label_room);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(4)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..cats.len() as f64, (lo..hi).log_scale())
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc(unit)
        .y_label_formatter(&|v| if *v >= 10.0 { format!("{v:.0}") } else { format!("{v:.3}") })
        .draw()
        .map_err(|e| err(&e))?;
    let n = series.len() as f64;
    for (j, (name, values)) in series.iter().enumerate() {
        let color = Palette99::pick(j).to_rgba();
        let rects = values.iter().enumerate().filter_map(|(i, v)| {
            let v = (*v)?;
            let x0 = i as f64 + 0.08 + 0.84 * j as f64 / n;
            Some(Rectangle::new([(x0, lo), (x0 + 0.84 / n, v)], color.filled()))
        });
        chart
            .draw_series(rects)
            .map_err(|e| err(&e))?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(|e| err(&e))?;
    let style = TextStyle::from(("sans-serif", 12).into_font())
        .transform(FontTransform::Rotate90)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, c) in cats.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, lo));
        root.draw(&Text::new(c.clone(), (x, y + 6), style.clone())).map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(path.to_path_buf())
}
