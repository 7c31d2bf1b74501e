//! `npsdesk export chart`: the app's own chart builders (TypeScript, ECharts server-side rendering) draw the
//! SVG in Node (`ui/dist-cli/chart.mjs`, built by `make ui`); PNGs are rasterised here with resvg. Why not a
//! second chart renderer in Rust: the charts' look, labels, intervals and small-sample marks exist once, in the
//! app; a copy would drift (ARCHITECTURE.md, "Decks and pictures").

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// Where the renderer is: `NPSDESK_CHART_RENDERER`, else beside the program (an installed layout), else the
/// repository's build output (this checkout).
fn renderer() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("NPSDESK_CHART_RENDERER") {
        return Ok(PathBuf::from(p));
    }
    let beside = std::env::current_exe().ok().and_then(|e| e.parent().map(|d| d.join("chart.mjs")));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist-cli/chart.mjs");
    beside
        .into_iter()
        .chain([repo])
        .find(|p| p.is_file())
        .context("the chart renderer (ui/dist-cli/chart.mjs) is missing: run `make ui`, or set NPSDESK_CHART_RENDERER")
}

/// The SVG of one chart request (see `ui/src/cli/chart.ts` for its fields).
pub fn svg(request: &Value) -> Result<String> {
    let script = renderer()?;
    let mut child = Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()))
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start Node.js (needed to draw charts; set NODE to its path)")?;
    child.stdin.take().context("renderer stdin")?.write_all(request.to_string().as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("the chart renderer failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let svg = String::from_utf8(out.stdout).context("the renderer wrote no UTF-8")?;
    if !svg.starts_with("<svg") {
        bail!("the chart renderer wrote no SVG");
    }
    Ok(svg)
}

/// Rasterises an SVG at `scale` times its size (system fonts, as the window would use).
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>> {
    let mut options = resvg::usvg::Options::default();
    let db = options.fontdb_mut();
    db.load_system_fonts();
    // The SVG asks for Segoe UI / Helvetica Neue / Arial, then `sans-serif`; fontdb maps that generic name to
    // Arial, which Linux rarely has: point it at a sans face this machine does have.
    let installed: Vec<String> = db.faces().flat_map(|f| f.families.iter().map(|(n, _)| n.clone())).collect();
    let sans = ["Segoe UI", "Helvetica Neue", "Arial", "Liberation Sans", "DejaVu Sans", "Noto Sans"]
        .into_iter()
        .find(|want| installed.iter().any(|have| have == want))
        .map(str::to_string)
        .or_else(|| installed.first().cloned());
    match sans {
        Some(family) => db.set_sans_serif_family(family),
        None => bail!("no font is installed: a PNG would have no text (export SVG instead)"),
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options).context("the chart SVG does not parse")?;
    let size = tree.size().to_int_size().scale_by(scale).context("the chart is too large")?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).context("the chart is too large")?;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().context("cannot encode the PNG")
}

/// A request for the renderer.
pub fn request(kind: &str, data: Value, size: (u32, u32), footnote: Option<String>, transparent: bool) -> Value {
    let mut r =
        json!({ "kind": kind, "width": size.0, "height": size.1, "footnote": footnote, "transparent": transparent });
    if let (Value::Object(r), Value::Object(d)) = (&mut r, data) {
        r.extend(d);
    }
    r
}
