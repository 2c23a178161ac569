package dev.lakehouse.gateway.connect;

import org.springframework.web.util.HtmlUtils;

/**
 * The connect pages' HTML: plain server-rendered documents, no script, no external asset (the one stylesheet is
 * inline), every value escaped. Landmarks, labels and a live status region keep them usable with a screen reader.
 */
final class ConnectHtml {

    private static final String STYLE = """
            body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
            header,main{max-width:52rem;margin:0 auto;padding:1rem 1.5rem}
            header{display:flex;justify-content:space-between;align-items:baseline}
            h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin-top:2rem}
            table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #d0d7de}
            .status{font-weight:600}.active{color:#1a7f37}.degraded,.pending{color:#9a6700}
            .needs_reauth,.app_misconfigured,.expired,.disconnected{color:#cf222e}
            form.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:1rem;margin:1rem 0}
            label{display:block;margin:.5rem 0 .2rem;font-weight:600}input,select{width:100%;padding:.4rem;font:inherit;box-sizing:border-box}
            button{margin-top:.8rem;padding:.45rem 1rem;font:inherit;background:#1f6feb;color:#fff;border:0;border-radius:6px;cursor:pointer}
            .note{color:#57606a;font-size:.9rem}.message{padding:1rem;border-radius:6px;background:#fff;border:1px solid #d0d7de}
            .ok{border-color:#1a7f37}.bad{border-color:#cf222e}code{background:#eef1f4;padding:0 .25rem}
            """;

    private ConnectHtml() {
    }

    static String page(String title, String who, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<title>" + esc(title) + " · Databricks MCP gateway</title><style>" + STYLE + "</style></head><body>"
                + "<header><strong>Databricks MCP gateway</strong>" + (who == null ? "" : "<span>Signed in as "
                + esc(who) + "</span>") + "</header><main id=\"main\"><h1>" + esc(title) + "</h1>" + body
                + "</main></body></html>";
    }

    /** A result page: a message in a live region (announced by screen readers). */
    static String message(String title, String who, String text, boolean ok, String extra) {
        return page(title, who, "<div class=\"message " + (ok ? "ok" : "bad") + "\" role=\"status\" aria-live=\"polite\" "
                + "id=\"outcome\">" + esc(text) + "</div>" + (extra == null ? "" : extra)
                + "<p><a href=\"/connect\">Back to your connections</a></p>");
    }

    static String csrf(String name, String token) {
        return name == null ? "" : "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(token) + "\">";
    }

    /** HTML escaping of text and attribute values (Spring's: &lt; &gt; &amp; &quot; &#39; and the rest). */
    static String esc(String value) {
        return value == null ? "" : HtmlUtils.htmlEscape(value);
    }
}
