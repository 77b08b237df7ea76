//! Text that becomes HTML: remote HTML is sanitised before it is stored or shown, and local
//! plain text is escaped and turned into paragraphs and links.

use ammonia::Builder;
use std::{collections::HashSet, sync::LazyLock};

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.add_tags([
        "p",
        "br",
        "a",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "del",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
    ])
    .add_tag_attributes("a", ["href"])
    // Mastodon marks mentions and hashtags with these classes; keep them, drop every other class
    .add_allowed_classes("a", ["mention", "hashtag", "u-url"])
    .add_allowed_classes("span", ["h-card", "invisible", "ellipsis"])
    .url_schemes(HashSet::from(["http", "https", "mailto"]))
    .link_rel(Some("nofollow noopener noreferrer"))
    .strip_comments(true);
    b
});

/// Cleans HTML received from another server: only harmless formatting and links survive.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Removes every tag, for fields that are plain text on our side (names, titles).
pub fn strip_tags(html: &str) -> String {
    let text = Builder::empty().clean(html).to_string();
    // ammonia escapes text; names are stored unescaped and escaped again when rendered
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Escapes a local author's plain text into HTML paragraphs, with bare URLs made links.
pub fn plain_text_to_html(text: &str) -> String {
    let mut out = String::new();
    for para in text.trim().split("\n\n").filter(|p| !p.trim().is_empty()) {
        out.push_str("<p>");
        let lines: Vec<String> = para.trim().lines().map(linkify_line).collect();
        out.push_str(&lines.join("<br>"));
        out.push_str("</p>");
    }
    out
}

fn linkify_line(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            let escaped = escape(word);
            if (word.starts_with("https://") || word.starts_with("http://"))
                && url::Url::parse(word).is_ok()
            {
                format!(r#"<a href="{escaped}" rel="nofollow noopener noreferrer">{escaped}</a>"#)
            } else {
                escaped
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// HTML-escapes text for attribute or element content.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let dirty = r#"<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">a</a><img src=x onerror=y><a href="https://ok.example/" class="mention evil">@b</a></p>"#;
        let clean = sanitize(dirty);
        assert!(!clean.contains("script"));
        assert!(!clean.contains("onclick"));
        assert!(!clean.contains("javascript"));
        assert!(!clean.contains("img"));
        assert!(clean.contains(r#"href="https://ok.example/""#));
        assert!(clean.contains(r#"class="mention""#));
        assert!(!clean.contains("evil"));
    }

    #[test]
    fn names_lose_tags_but_keep_text() {
        assert_eq!(
            strip_tags("<b>Zoé</b> & co <script>x</script>"),
            "Zoé & co "
        );
    }

    #[test]
    fn plain_text_is_escaped_and_linked() {
        let html = plain_text_to_html("Bonjour <b>\nvoir https://ex.example/a?b=1&c=2\n\nfin");
        assert_eq!(
            html,
            "<p>Bonjour &lt;b&gt;<br>voir <a href=\"https://ex.example/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\">https://ex.example/a?b=1&amp;c=2</a></p><p>fin</p>"
        );
    }
}
