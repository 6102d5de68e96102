package dev.e2bgateway.upstream;

/**
 * Text read from the sandbox answer a character at a time, kept while the cell's {@link Budget}
 * lasts: the characters past it are only counted, so a cell that prints 15 MB costs the gateway
 * its cap, never the 15 MB. The kept text ends with a note saying how much was left out.
 */
final class CappedText {

    /** The characters one cell's output may keep, shared by all its texts (stdout, stderr, results, images). */
    static final class Budget {
        private final long limit;
        private long left;

        Budget(long limit) {
            this.limit = limit;
            this.left = limit;
        }

        long limit() {
            return limit;
        }

        boolean take() {
            if (left <= 0) return false;
            left--;
            return true;
        }

        void giveBack(long chars) {
            left += chars;
        }

        /** Whether anything of the cell was left out for want of room. */
        boolean spent() {
            return left <= 0;
        }
    }

    private final Budget budget;
    private final StringBuilder kept = new StringBuilder();
    private long leftOut;

    CappedText(Budget budget) {
        this.budget = budget;
    }

    void append(char c) {
        if (leftOut == 0 && budget.take()) kept.append(c);
        else leftOut++;
    }

    boolean complete() {
        return leftOut == 0;
    }

    /** Gives its room back to the budget (an image that did not fit whole is dropped, not cut). */
    void drop() {
        budget.giveBack(kept.length());
        kept.setLength(0);
        kept.trimToSize();
    }

    /** The kept text, raw (an image's base64, an id). */
    String raw() {
        return kept.toString();
    }

    /** The kept text, with a note when some was left out. */
    String text() {
        if (leftOut == 0) return kept.toString();
        return kept + (kept.isEmpty() || kept.charAt(kept.length() - 1) == '\n' ? "" : "\n") + "[... " + leftOut
                + " more characters left out: the gateway keeps " + budget.limit() + " characters of a cell's output]\n";
    }
}
