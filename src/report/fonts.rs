//! The fonts every report and chart is set in, compiled in so that output is the same on
//! every machine and no system font is looked up: DejaVu Sans, Sans Bold and Sans Mono
//! (`assets/fonts/`, licence beside them).

pub(crate) const SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) const SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
pub(crate) const MONO: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");

/// A font database holding only the embedded fonts, with DejaVu Sans as the generic
/// `sans-serif` and DejaVu Sans Mono as `monospace`: what SVG charts are read with.
pub(crate) fn svg_fontdb() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    use std::sync::{Arc, OnceLock};
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        for data in [SANS, SANS_BOLD, MONO] {
            db.load_font_data(data.to_vec());
        }
        db.set_sans_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans Mono");
        db.set_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}
