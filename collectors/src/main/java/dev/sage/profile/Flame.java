package dev.sage.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stacks merged into a tree, the root's children being the threads' outermost frames: what a flame graph draws. Each
 * node weighs what the events under it weigh (bytes, samples).
 *
 * @param frame {@code com.example.Orders.flush}; {@code all} at the root
 * @param weight this node's events and all its descendants'
 * @param children heaviest first
 */
public record Flame(String frame, long weight, List<Flame> children) {
    /** Deeper than this, stacks are cut: the frames that matter are near the top of a flame graph's reading. */
    public static final int MAX_DEPTH = 64;

    public Flame {
        children = List.copyOf(children);
    }

    /** How deep the tree goes, the root being depth 1. */
    public int depth() {
        int d = 0;
        for (Flame c : children) {
            d = Math.max(d, c.depth());
        }
        return d + 1;
    }

    /** Builds a tree from stacks, outermost frame first; not thread-safe. */
    static final class Builder {
        private final Node root = new Node();

        /** Adds one event of {@code weight} whose stack is {@code frames}, outermost first. */
        void add(List<String> frames, long weight) {
            Node n = root;
            n.weight += weight;
            for (int i = 0; i < frames.size() && i < MAX_DEPTH; i++) {
                n = n.children.computeIfAbsent(frames.get(i), k -> new Node());
                n.weight += weight;
            }
        }

        /** The tree, without the nodes lighter than {@code share} of the whole (too thin to draw or read). */
        Flame build(double share) {
            long min = (long) Math.ceil(root.weight * share);
            return build("all", root, Math.max(1, min));
        }

        private static Flame build(String frame, Node n, long min) {
            List<Flame> kids = new ArrayList<>();
            for (Map.Entry<String, Node> c : n.children.entrySet()) {
                if (c.getValue().weight >= min) {
                    kids.add(build(c.getKey(), c.getValue(), min));
                }
            }
            kids.sort(Comparator.comparingLong(Flame::weight).reversed().thenComparing(Flame::frame));
            return new Flame(frame, n.weight, kids);
        }

        private static final class Node {
            long weight;
            final Map<String, Node> children = new LinkedHashMap<>();
        }
    }
}
