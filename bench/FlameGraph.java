import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code perf script -F comm,tid,period,ip,sym,dso} output (stdin) into a flame graph: a self-contained SVG
 * whose frames show their share of the samples on hover, the folded stacks (one "frame;frame;... count" line per
 * distinct stack, the format other flame graph tools read), and a text summary (samples per thread group, the
 * frames with the most samples on top of the stack).
 *
 * <p>Run with a JDK only: {@code perf script ... | java bench/FlameGraph.java OUT_DIR "title"}. Java frames are named
 * from the JIT's perf map ({@code jcmd PID Compiler.perfmap}, written before {@code perf script} runs); their
 * return and parameter types are dropped. Thread names lose trailing digits so pools merge (strata-flusher-0..3).
 */
public final class FlameGraph {
    private static final Pattern OFFSET = Pattern.compile("\\+0x[0-9a-fA-F]+$");
    private static final Pattern LAMBDA = Pattern.compile("\\$\\$Lambda[$/0-9a-fA-Fx.]*?(?=\\.[^.]+$)");
    private static final Pattern TRAILING_DIGITS = Pattern.compile("[-#]?\\d+$");
    private static final int WIDTH = 1200;
    private static final int FRAME_HEIGHT = 16;
    private static final double MIN_PIXELS = 0.3;

    /** One frame of the merged call tree; children by name. */
    private static final class Node {
        final String name;
        long total;
        long self;
        final Map<String, Node> children = new TreeMap<>();

        Node(String name) {
            this.name = name;
        }

        Node child(String frame) {
            return children.computeIfAbsent(frame, Node::new);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: perf script -F comm,tid,period,ip,sym,dso | java bench/FlameGraph.java OUT_DIR [title]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String title = args.length > 1 ? args[1] : "Flame graph";
        Files.createDirectories(out);
        Map<String, Long> folded = fold(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        Node root = new Node("all");
        for (Map.Entry<String, Long> e : folded.entrySet()) {
            Node n = root;
            n.total += e.getValue();
            for (String frame : e.getKey().split(";")) {
                n = n.child(frame);
                n.total += e.getValue();
            }
            n.self += e.getValue();
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("folded.txt")))) {
            folded.forEach((stack, count) -> w.println(stack + " " + count));
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("flame.svg")))) {
            svg(w, root, title);
        }
        String summary = summary(root, folded);
        Files.writeString(out.resolve("summary.txt"), summary);
        System.out.print(summary);
    }

    /** Reads perf script's samples: a header line (comm tid period) and then the stack, leaf first, up to a blank line. */
    static Map<String, Long> fold(BufferedReader in) throws IOException {
        Map<String, Long> folded = new HashMap<>();
        String thread = null;
        long weight = 0;
        List<String> frames = new ArrayList<>();
        for (String line = in.readLine(); ; line = in.readLine()) {
            if (line == null || line.isBlank()) {
                if (thread != null) {
                    Collections.reverse(frames);
                    String stack = frames.isEmpty() ? thread : thread + ";" + String.join(";", frames);
                    folded.merge(stack, weight, Long::sum);
                }
                thread = null;
                frames.clear();
                if (line == null) {
                    return folded;
                }
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                String[] parts = line.trim().split("\\s+");
                // comm may hold spaces ("C2 CompilerThre"); tid and period are the last two fields.
                int n = parts.length;
                weight = n >= 3 ? parsePeriod(parts[n - 1]) : 1;
                String comm = String.join(" ", java.util.Arrays.copyOf(parts, Math.max(1, n - 2)));
                thread = TRAILING_DIGITS.matcher(comm).replaceAll("").replace(';', ':');
            } else if (thread != null) {
                frames.add(frame(line.trim()));
            }
        }
    }

    private static long parsePeriod(String field) {
        try {
            return Math.max(1, Long.parseLong(field));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** "addr sym+0x1f (dso)" to a frame name: kernel frames end in _[k], JIT-compiled Java frames in _[j]. */
    static String frame(String line) {
        int space = line.indexOf(' ');
        String rest = space < 0 ? "" : line.substring(space + 1).trim();
        String dso = "";
        int open = rest.lastIndexOf(" (");
        if (open >= 0 && rest.endsWith(")")) {
            dso = rest.substring(open + 2, rest.length() - 1);
            rest = rest.substring(0, open);
        } else if (rest.startsWith("(") && rest.endsWith(")")) {
            dso = rest.substring(1, rest.length() - 1);
            rest = "";
        }
        String sym = OFFSET.matcher(rest).replaceAll("");
        if (sym.isEmpty() || sym.equals("[unknown]")) {
            String file = dso.substring(dso.lastIndexOf('/') + 1);
            sym = file.isEmpty() ? "[unknown]" : "[" + file + "]";
        }
        boolean java = dso.contains("perf-") && dso.endsWith(".map");
        if (java && sym.indexOf('(') > 0) {
            String head = sym.substring(0, sym.indexOf('('));
            sym = head.substring(head.lastIndexOf(' ') + 1);
        }
        sym = LAMBDA.matcher(sym).replaceAll(Matcher.quoteReplacement("$$Lambda")).replace(';', ':');
        if (dso.contains("kernel.kallsyms")) {
            return sym + "_[k]";
        }
        return java ? sym + "_[j]" : sym;
    }

    private static void svg(PrintWriter w, Node root, String title) {
        int depth = depth(root);
        int height = (depth + 3) * FRAME_HEIGHT + 30;
        w.printf("<?xml version=\"1.0\" standalone=\"no\"?>%n");
        w.printf("<svg version=\"1.1\" width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\" "
                + "font-family=\"Verdana, sans-serif\" font-size=\"11\">%n", WIDTH, height);
        w.printf("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f8f8f0\"/>%n", WIDTH, height);
        w.printf("<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n", WIDTH / 2, escape(title));
        w.printf("<text x=\"10\" y=\"%d\" font-size=\"11\" fill=\"#555\">%s samples (perf period units). "
                + "Hover a frame for its share. Orange: kernel, green: JIT-compiled Java, red: JVM and native code.</text>%n",
                height - 8, root.total);
        double scale = (WIDTH - 20) / (double) Math.max(1, root.total);
        draw(w, root, 10, height - 2 * FRAME_HEIGHT - 14, scale, root.total);
        w.println("</svg>");
    }

    private static void draw(PrintWriter w, Node node, double x, double y, double scale, long all) {
        double width = node.total * scale;
        if (width < MIN_PIXELS) {
            return;
        }
        String label = node.name + " (" + node.total + ", " + String.format("%.2f%%", 100.0 * node.total / all) + ")";
        w.printf("<g><title>%s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" rx=\"2\"/>",
                escape(label), x, y, width, FRAME_HEIGHT - 1, color(node.name));
        int chars = (int) (width / 7);
        if (chars >= 3) {
            String text = node.name.length() <= chars ? node.name : node.name.substring(0, chars - 2) + "..";
            w.printf("<text x=\"%.1f\" y=\"%.1f\">%s</text>", x + 3, y + FRAME_HEIGHT - 4, escape(text));
        }
        w.println("</g>");
        double childX = x;
        for (Node c : node.children.values()) {
            draw(w, c, childX, y - FRAME_HEIGHT, scale, all);
            childX += c.total * scale;
        }
    }

    private static int depth(Node n) {
        int max = 0;
        for (Node c : n.children.values()) {
            max = Math.max(max, depth(c));
        }
        return max + 1;
    }

    private static String color(String name) {
        int h = Math.abs(name.hashCode());
        if (name.endsWith("_[k]")) {
            return String.format("rgb(%d,%d,%d)", 230, 130 + h % 50, 40 + h % 30);
        }
        if (name.endsWith("_[j]")) {
            return String.format("rgb(%d,%d,%d)", 60 + h % 60, 190 + h % 50, 60 + h % 40);
        }
        return String.format("rgb(%d,%d,%d)", 220 + h % 30, 80 + h % 60, 70 + h % 40);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Samples per thread group, the 30 frames most often on top of the stack (self samples) and the 40 frames most
     * often anywhere on it (inclusive: each frame counted once per stack).
     */
    private static String summary(Node root, Map<String, Long> folded) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%d samples%n%nthread group                          share%n", root.total));
        root.children.values().stream().sorted(Comparator.comparingLong((Node n) -> n.total).reversed())
                .forEach(n -> b.append(String.format("%-36s %6.2f%%%n", n.name, 100.0 * n.total / root.total)));
        Map<String, Long> self = new HashMap<>();
        collectSelf(root, self);
        b.append(String.format("%nframes with the most self samples                                           share%n"));
        self.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(30)
                .forEach(e -> b.append(String.format("%-76s %6.2f%%%n", abbreviate(e.getKey(), 76),
                        100.0 * e.getValue() / root.total)));
        Map<String, Long> inclusive = new HashMap<>();
        folded.forEach((stack, count) -> {
            String[] frames = stack.split(";");
            for (String f : new java.util.HashSet<>(java.util.Arrays.asList(frames).subList(1, frames.length))) {
                inclusive.merge(f, count, Long::sum);
            }
        });
        b.append(String.format("%nframes with the most samples including their callees                        share%n"));
        inclusive.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(40)
                .forEach(e -> b.append(String.format("%-76s %6.2f%%%n", abbreviate(e.getKey(), 76),
                        100.0 * e.getValue() / root.total)));
        return b.toString();
    }

    private static void collectSelf(Node n, Map<String, Long> self) {
        for (Node c : n.children.values()) {
            if (c.self > 0) {
                self.merge(c.name, c.self, Long::sum);
            }
            collectSelf(c, self);
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : ".." + s.substring(s.length() - max + 2);
    }
}
