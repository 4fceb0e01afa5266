package dev.ksync.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The first rows a job writes, each as header → cell in column order: a JSON answer's {@code sample}. */
public final class RowSample {
    private final List<String> header;
    private final int max;
    private final List<Map<String, String>> rows = new ArrayList<>();

    public RowSample(List<String> header, int max) {
        this.header = List.copyOf(header);
        this.max = max;
    }

    public void offer(List<String> cells) {
        if (rows.size() >= max) return;
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) row.put(header.get(i), i < cells.size() ? cells.get(i) : "");
        rows.add(row);
    }

    public List<Map<String, String>> rows() {
        return List.copyOf(rows);
    }
}
