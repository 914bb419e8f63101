//! The HTML report: sections present, self-contained, evidence text escaped.

use std::ops::ControlFlow;

use tideline::ingest::{import_file, ImportOptions};
use tideline::report::case_report_html;
use tideline::timeline::Timeline;
use tideline::Case;

use crate::util::Dir;

#[test]
fn the_report_escapes_hostile_log_text_and_loads_nothing_from_outside() {
    let dir = Dir::new();
    let log = dir.path("hostile.log");
    std::fs::write(
        &log,
        "Mar 14 02:11:09 bastion-01 sshd[1]: Invalid user <script>alert(1)</script> from 203.0.113.45 port 1 ssh2\n\
         Mar 14 02:11:10 bastion-01 sshd[1]: Accepted password for <img src=x onerror=alert(2)> from 203.0.113.45 port 2 ssh2\n\
         <b>not syslog</b>\n",
    )
    .unwrap();
    let mut case = Case::create(&dir.path("c.tideline"), "Case <i>title</i>", "t").unwrap();
    import_file(
        &mut case,
        &log,
        &ImportOptions {
            year: Some(2026),
            ..Default::default()
        },
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    let html = case_report_html(&case, &Timeline::load(&case).unwrap()).unwrap();

    for section in [
        "id=\"summary\"",
        "id=\"evidence\"",
        "id=\"by-source\"",
        "id=\"by-host\"",
        "id=\"over-time\"",
        "id=\"key-events\"",
        "id=\"issues\"",
        "id=\"audit\"",
    ] {
        assert!(html.contains(section), "missing section {section}");
    }
    assert!(html.contains("<svg"), "the chart is inline SVG");
    // Nothing from evidence survives as markup.
    assert!(!html.contains("<script"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>not"));
    assert!(!html.contains("<i>title"));
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("&lt;b&gt;not syslog&lt;/b&gt;"));
    assert!(html.contains("Case &lt;i&gt;title&lt;/i&gt;"));
    // Self-contained: no scripts allowed, no external references.
    assert!(html.contains("default-src 'none'"));
    for external in ["http://", "https://", "src=\"//"] {
        let outside = html
            .match_indices(external)
            .filter(|(i, _)| !html[..*i].ends_with("xmlns=\""))
            .count();
        assert_eq!(outside, 0, "external reference {external}");
    }
    // The accepted login is a key event with its evidence and line.
    let key = &html[html.find("id=\"key-events\"").unwrap()..html.find("id=\"issues\"").unwrap()];
    assert!(
        key.contains("auth_success") && key.contains("hostile.log line 2"),
        "{key}"
    );
}
