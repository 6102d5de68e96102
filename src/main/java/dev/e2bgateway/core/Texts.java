package dev.e2bgateway.core;

/** Text helpers for what clients send. */
public final class Texts {

    private Texts() {
    }

    /**
     * {@code s} with every unpaired surrogate replaced by U+FFFD. JSON may carry half a pair
     * ({@code "\ud83d"}); the tokenizer and UTF-8 encoders want well-formed text. Returns
     * {@code s} itself when it holds no surrogate (the common case costs one scan).
     */
    public static String wellFormed(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && !Character.isSurrogate(s.charAt(i))) i++;
        if (i == n) return s;
        StringBuilder out = new StringBuilder(n).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
