package dev.sparkptq.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MarkupTest {
    @Test
    void markupCharactersBecomeNumericReferences() {
        assertEquals("&#60;a href=&#34;x&#34;&#62;&#38;&#39;", Markup.escape("<a href=\"x\">&'"));
        assertEquals("", Markup.escape(null));
    }

    @Test
    void charactersXmlForbidsBecomeReplacementCharacters() {
        assertEquals("a\uFFFDb\tc\uFFFD", Markup.escape("a\u0001b\tc\uFFFE"));
        assertEquals("lone \uFFFD high", Markup.escape("lone \uD800 high"));
        assertEquals("emoji \uD83D\uDE00 kept", Markup.escape("emoji \uD83D\uDE00 kept"));
    }

    @Test
    void attributesAreEscapedAndNullOnesLeftOut() {
        String s = new Markup().open("td", "title", "x\"><script>", "class", null).text("1<2").close("td")
                .toString();
        assertEquals("<td title=\"x&#34;&#62;&#60;script&#62;\">1&#60;2</td>", s);
        assertThrows(IllegalArgumentException.class, () -> new Markup().open("td", "title"));
    }

    @Test
    void coordinatesIgnoreTheLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            assertEquals("1234.5", Markup.num(1234.49999));
            assertEquals("0.125", Fmt.sig(0.125));
        } finally {
            java.util.Locale.setDefault(before);
        }
    }
}
