package dev.e2bgateway.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Draws the soak's samples as a PNG with Java2D, headless: one small line chart per measure,
 * stacked, sharing the time axis. No charting library: a polyline, a few ticks, the numbers.
 */
final class SoakChart {

    /** One panel: its title, unit and how to read its value from a sample. */
    record Series(String title, String unit, ToDoubleFunction<Soak.Sample> value, Color color) {}

    private static final int WIDTH = 960;
    private static final int PANEL = 150;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int GAP = 34;

    private SoakChart() {
    }

    static void write(Path file, String heading, List<Soak.Sample> samples, List<Series> series) throws IOException {
        int height = TOP + series.size() * (PANEL + GAP) + 20;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(heading, LEFT, 28);
            double tMax = Math.max(1, samples.isEmpty() ? 1 : samples.get(samples.size() - 1).seconds());
            for (int i = 0; i < series.size(); i++) {
                panel(g, TOP + i * (PANEL + GAP), samples, series.get(i), tMax);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int top, List<Soak.Sample> samples, Series s, double tMax) {
        int w = WIDTH - LEFT - RIGHT;
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Soak.Sample sample : samples) {
            double v = s.value().applyAsDouble(sample);
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        double yMax = niceCeiling(max * 1.1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        double last = samples.isEmpty() ? 0 : s.value().applyAsDouble(samples.get(samples.size() - 1));
        g.drawString(String.format(Locale.ROOT, "%s [%s]: last %s, min %s, max %s", s.title(), s.unit(), fmt(last),
                fmt(samples.isEmpty() ? 0 : min), fmt(max)), LEFT, top - 6);
        g.setColor(new Color(0xF4F4F4));
        g.fillRect(LEFT, top, w, PANEL);
        g.setColor(new Color(0xDDDDDD));
        for (int i = 0; i <= 4; i++) {
            int y = top + PANEL - i * PANEL / 4;
            g.drawLine(LEFT, y, LEFT + w, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(fmt(yMax * i / 4), 6, y + 4);
            g.setColor(new Color(0xDDDDDD));
        }
        int step = 10;
        for (int s2 : new int[]{10, 30, 60, 120, 300, 600}) {
            step = s2;
            if (tMax / s2 <= 10) break;
        }
        for (int t = 0; t <= tMax; t += step) {
            int x = LEFT + (int) (w * t / tMax);
            g.drawLine(x, top, x, top + PANEL);
            g.setColor(Color.DARK_GRAY);
            String label = t % 60 == 0 ? t / 60 + " min" : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
            g.drawString(label, x - 12, top + PANEL + 14);
            g.setColor(new Color(0xDDDDDD));
        }
        if (samples.isEmpty()) return;
        Path2D.Double line = new Path2D.Double();
        for (int i = 0; i < samples.size(); i++) {
            Soak.Sample sample = samples.get(i);
            double x = LEFT + w * sample.seconds() / tMax;
            double y = top + PANEL - PANEL * s.value().applyAsDouble(sample) / yMax;
            if (i == 0) line.moveTo(x, y);
            else line.lineTo(x, y);
        }
        g.setColor(s.color());
        g.setStroke(new BasicStroke(2f));
        g.draw(line);
        g.setStroke(new BasicStroke(1f));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v} (and at least 1). */
    private static double niceCeiling(double v) {
        if (v <= 1) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
