package dev.ksync.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.request.Days;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The runbook's datasources file ({@code hist_datasources} / {@code inc_datasources}), read and checked: unknown or
 * repeated keys, missing fields, an unknown {@code name} or {@code config_file}, a {@code config_file} the runbook
 * does not pair with the {@code name}, a load type that needs an incremental field without one (or a full load with
 * one), a connector the source cannot filter on, an incremental field that is another attribute's column, a table or
 * column name PostgreSQL would cut, a workflow_name past {@value #MAX_WORKFLOW_NAME} characters or with a control
 * character, a table twice in a list — each a 400 naming the entry ({@code inc_datasources[2] (campaigns)}) and the field.
 */
public record DatasourceFile(List<Datasource> hist, List<Datasource> inc) {
    static final String RESOURCE = "/ingest/klaviyo_datasources.yml";
    static final Set<String> FIELDS = Set.of("name", "table_name", "config_file", "incremental_field",
            "incremental_field_connector", "default_start_time", "workflow_name", "mode");
    private static final List<String> REQUIRED = List.of("name", "table_name", "config_file", "default_start_time",
            "workflow_name", "mode");
    /** Table and column names become SQL identifiers: lower-case, as PostgreSQL folds them, and short enough. */
    static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0," + (RawTable.MAX_NAME - 1) + "}");
    /** The longest workflow_name kept: a label in every log row (the runbook's is klaviyo_ingest.dig), not a document. */
    static final int MAX_WORKFLOW_NAME = 200;
    /** The attribute the events load configuration windows on, whatever the entry says. */
    static final String EVENTS_CONNECTOR = "datetime";
    /** Refuses a key given twice in one mapping: YAML would keep the last silently (a whole list dropped). */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    public DatasourceFile {
        hist = List.copyOf(hist);
        inc = List.copyOf(inc);
    }

    /** The runbook's file, built in (read once: a request checks it and then runs it). */
    public static DatasourceFile builtIn() {
        return BuiltIn.FILE;
    }

    private static final class BuiltIn {
        static final DatasourceFile FILE = read();

        private static DatasourceFile read() {
            try (InputStream in = DatasourceFile.class.getResourceAsStream(RESOURCE)) {
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public List<Datasource> forMode(IngestMode mode) {
        return mode == IngestMode.HIST ? hist : inc;
    }

    /** Reads and checks a user's file; every problem is a 400 naming the entry and field. */
    public static DatasourceFile parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            String where = line > 0 ? " (line " + line + ")" : "";
            if (e.getProcessor() instanceof JsonParser p && e.getOriginalMessage().startsWith("Duplicate field")) {
                String key = shown(p.getParsingContext().getCurrentName());
                String in = mapping(p.getParsingContext().getParent());
                throw invalid("the datasources file has " + key + " twice " + in + where + "; give each key once",
                        Map.of("key", key, "entry", in, "line", line));
            }
            throw invalid("the datasources file is not valid YAML" + where, Map.of("line", line));
        }
        if (root == null || !root.isObject()) {
            throw invalid("the datasources file must be a mapping with hist_datasources and/or inc_datasources",
                    Map.of());
        }
        Set<String> lists = Set.of(IngestMode.HIST.listKey(), IngestMode.INC.listKey());
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!lists.contains(key)) {
                throw invalid("unknown key '" + shown(key) + "' in the datasources file; allowed: "
                        + IngestMode.HIST.listKey() + ", " + IngestMode.INC.listKey(), Map.of("key", shown(key)));
            }
        }
        if (!root.has(IngestMode.HIST.listKey()) && !root.has(IngestMode.INC.listKey())) {
            throw invalid("the datasources file has neither hist_datasources nor inc_datasources", Map.of());
        }
        return new DatasourceFile(list(root, IngestMode.HIST.listKey()), list(root, IngestMode.INC.listKey()));
    }

    /** Where a parser context is, as entries are named: {@code in inc_datasources[2]}, or at the top level. */
    private static String mapping(JsonStreamContext c) {
        StringBuilder out = new StringBuilder();
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) out.insert(0, "[" + c.getCurrentIndex() + "]");
            else if (c.getCurrentName() != null) out.insert(0, shown(c.getCurrentName()));
        }
        return out.isEmpty() ? "at the top level" : "in " + out;
    }

    private static List<Datasource> list(JsonNode root, String key) {
        JsonNode node = root.path(key);
        if (node.isMissingNode() || node.isNull()) return List.of();
        if (!node.isArray()) throw invalid(key + " must be a list of datasources", Map.of("entry", key));
        List<Datasource> out = new ArrayList<>();
        Set<String> tables = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            Datasource d = entry(node.get(i), key + "[" + i + "]");
            if (!tables.add(d.tableName())) {
                throw invalid(key + "[" + i + "] (" + d.name() + "): table_name " + d.tableName()
                        + " appears twice in " + key, Map.of("entry", key + "[" + i + "]", "field", "table_name"));
            }
            out.add(d);
        }
        return out;
    }

    private static Datasource entry(JsonNode e, String at) {
        if (!e.isObject()) throw invalid(at + " must be a mapping of datasource fields", Map.of("entry", at));
        String label = e.path("name").isTextual() ? at + " (" + shown(e.path("name").asText()) + ")" : at;
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw invalid(label + ": unknown key '" + shown(f) + "'; allowed: " + FIELDS.stream().sorted().toList(),
                        details(at, shown(f)));
            }
        }
        Map<String, String> v = new LinkedHashMap<>();
        for (String f : FIELDS) {
            JsonNode n = e.path(f);
            if (n.isContainerNode()) throw invalid(label + ": " + f + " must be a single value", details(at, f));
            String s = n.isMissingNode() || n.isNull() ? null : n.asText().strip();
            v.put(f, s == null || s.isEmpty() ? null : s);
        }
        for (String f : REQUIRED) {
            if (v.get(f) == null) throw invalid(label + ": " + f + " is missing", details(at, f));
        }
        String name = v.get("name");
        Source source = Source.named(name).orElseThrow(() -> invalid(at + ": unknown name '" + shown(name)
                + "'; supported: " + Source.names(), details(at, "name")));
        String configFile = v.get("config_file");
        if (!Source.configFiles().contains(configFile)) {
            throw invalid(label + ": unknown config_file '" + shown(configFile) + "'; allowed: " + Source.configFiles(),
                    details(at, "config_file"));
        }
        if (!source.configFile().equals(configFile)) {
            throw invalid(label + ": config_file " + configFile + " does not load " + name + "; the runbook loads "
                    + name + " with " + source.configFile(), details(at, "config_file"));
        }
        LoadType type = source.loadType();
        String field = v.get("incremental_field");
        String connector = v.get("incremental_field_connector");
        requireName(label, at, "table_name", v.get("table_name"), "table");
        if (type.incremental() && field == null) {
            throw invalid(label + ": config_file " + configFile + " loads incrementally and needs an"
                    + " incremental_field", details(at, "incremental_field"));
        }
        if (!type.incremental() && (field != null || connector != null)) {
            throw invalid(label + ": config_file " + configFile + " loads " + name + " in full each run, with no"
                    + " incremental field; leave incremental_field and incremental_field_connector empty",
                    details(at, field != null ? "incremental_field" : "incremental_field_connector"));
        }
        if (field != null) requireName(label, at, "incremental_field", field, "column");
        if (field != null && RawTable.RESERVED.contains(field)) {
            throw invalid(label + ": incremental_field cannot be " + field + " (a column ksync keeps itself)",
                    details(at, "incremental_field"));
        }
        if (type == LoadType.INCREMENTAL) {
            if (connector == null) {
                throw invalid(label + ": config_file " + configFile + " filters Klaviyo on"
                        + " incremental_field_connector, which is missing", details(at, "incremental_field_connector"));
            }
            if (source.attribute(connector).isEmpty()) {
                throw invalid(label + ": Klaviyo's " + name + " cannot be filtered on '" + shown(connector)
                        + "'; allowed: " + source.connectors(), details(at, "incremental_field_connector"));
            }
        }
        if (type == LoadType.EVENTS && connector != null && !connector.equals(EVENTS_CONNECTOR)) {
            throw invalid(label + ": config_file " + configFile + " windows Klaviyo's " + name + " on "
                    + EVENTS_CONNECTOR + ", so incremental_field_connector '" + shown(connector) + "' would not be"
                    + " used; allowed: " + EVENTS_CONNECTOR + " or empty", details(at, "incremental_field_connector"));
        }
        if (field != null) {
            // the connector's own attribute is the field's value (templates: updated, campaigns: updated_at via updated)
            String read = type == LoadType.EVENTS ? EVENTS_CONNECTOR : source.attribute(connector).orElseThrow();
            if (!field.equals(RawTable.column(read)) && source.attributes().stream().map(RawTable::column)
                    .anyMatch(field::equals)) {
                throw invalid(label + ": incremental_field " + field + " is also the column of the " + name + " attribute "
                        + field + ", which the load would fill with " + read + "'s values instead; allowed: " + read
                        + " or a name no attribute of " + name + " takes", details(at, "incremental_field"));
            }
        }
        String workflow = v.get("workflow_name");
        if (workflow.length() > MAX_WORKFLOW_NAME) {
            throw invalid(label + ": workflow_name has " + workflow.length() + " characters; at most "
                    + MAX_WORKFLOW_NAME, details(at, "workflow_name"));
        }
        if (workflow.chars().anyMatch(Character::isISOControl)) {
            throw invalid(label + ": workflow_name '" + shown(workflow) + "' has a control character (a line break,"
                    + " a tab); allowed: one line of printable text", details(at, "workflow_name"));
        }
        Instant start;
        try {
            start = RunbookTime.parse(v.get("default_start_time"));
        } catch (RuntimeException ex) {
            throw invalid(label + ": default_start_time '" + shown(v.get("default_start_time"))
                    + "' is not in the form " + RunbookTime.EXAMPLE, details(at, "default_start_time"));
        }
        int year = start.atZone(ZoneOffset.UTC).getYear();
        if (year < Days.FIRST_YEAR || year > Days.LAST_YEAR) {
            // Klaviyo holds nothing that old; a window from year 1 would page through nothing for a long time
            throw invalid(label + ": default_start_time '" + shown(v.get("default_start_time")) + "' is outside the"
                    + " years " + Days.FIRST_YEAR + " to " + Days.LAST_YEAR, details(at, "default_start_time"));
        }
        if (!v.get("mode").equals("append")) {
            throw invalid(label + ": mode '" + shown(v.get("mode")) + "' is not supported; allowed: append",
                    details(at, "mode"));
        }
        return new Datasource(name, v.get("table_name"), v.get("config_file"), field,
                type == LoadType.INCREMENTAL ? connector : null, v.get("default_start_time"), v.get("workflow_name"),
                v.get("mode"));
    }

    /**
     * A table or column name as PostgreSQL keeps it: lower-case (as it folds them) and at most 63 characters (it cuts
     * a longer name, which could then name another entry's table).
     */
    private static void requireName(String label, String at, String field, String value, String what) {
        if (value.length() > RawTable.MAX_NAME) {
            throw invalid(label + ": " + field + " '" + shown(value) + "' has " + value.length() + " characters;"
                    + " PostgreSQL keeps " + RawTable.MAX_NAME + " of a name, so at most " + RawTable.MAX_NAME,
                    details(at, field));
        }
        if (!IDENTIFIER.matcher(value).matches()) {
            throw invalid(label + ": " + field + " '" + shown(value) + "' is not a " + what + " name; allowed:"
                    + " lower-case letters, digits and '_', starting with a letter or '_'", details(at, field));
        }
    }

    static Map<String, Object> details(String entry, String field) {
        return Map.of("entry", entry, "field", field);
    }

    private static String shown(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 80 ? t.substring(0, 80) + "…" : t;
    }

    static KsyncException invalid(String message, Map<String, ?> details) {
        return new KsyncException(ErrorKind.BAD_INPUT, "invalid_datasources", message, details);
    }
}
