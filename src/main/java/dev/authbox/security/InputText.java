package dev.authbox.security;

/** Hygiene of text that came from the network before it is stored or looked up. */
public final class InputText {
    private InputText() {
    }

    /** True when the text has no control characters (NUL above all, which PostgreSQL cannot store). */
    public static boolean clean(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
