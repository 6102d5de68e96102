package dev.e2bgateway.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** An input stream that fails with {@link TooLong} once more than {@code limit} bytes were read from it. */
final class CountingInput extends FilterInputStream {

    /** The stream went past its limit. */
    static final class TooLong extends IOException {
        TooLong() {
            super("past the limit", null);
        }
    }

    private final long limit;
    private long read;

    CountingInput(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) count(1);
        return b;
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws IOException {
        int n = super.read(bytes, off, len);
        if (n > 0) count(n);
        return n;
    }

    private void count(int n) throws TooLong {
        read += n;
        if (read > limit) throw new TooLong();
    }
}
