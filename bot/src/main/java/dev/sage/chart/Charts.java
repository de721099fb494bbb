package dev.sage.chart;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What every chart Sage draws does alike: its legend under the plot, and its PNG. Stateless. */
final class Charts {
    private Charts() {
    }

    /** The chart's legend under the plot, in {@code font} and {@code ink}, unframed on white. */
    static LegendTitle legendBelow(JFreeChart chart, Font font, Color ink) {
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(font);
        legend.setItemPaint(ink);
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        return legend;
    }

    /** {@code chart} drawn at {@code width} × {@code height} as a PNG; {@code what} names it in an error. */
    static byte[] png(JFreeChart chart, int width, int height, String what) {
        return png(chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null), what);
    }

    static byte[] png(BufferedImage image, String what) {
        try {
            return ChartUtils.encodeAsPNG(image);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the " + what + " as PNG", e);
        }
    }
}
