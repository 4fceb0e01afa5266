package dev.ksync.ingest;

/**
 * One entry of the runbook's datasources file, as written there.
 *
 * @param incrementalField          the table's column (campaigns: {@code created_at}/{@code updated_at}); null for a
 *                                  full load
 * @param incrementalFieldConnector the name Klaviyo filters on (campaigns: {@code created}/{@code updated}); null for
 *                                  events (always {@code datetime}) and full loads
 */
public record Datasource(String name, String tableName, String configFile, String incrementalField,
                         String incrementalFieldConnector, String defaultStartTime, String workflowName, String mode) {

    public Source source() {
        return Source.named(name).orElseThrow();
    }

    public LoadType loadType() {
        return source().loadType();
    }

    /** Klaviyo's attribute the window filters on and the incremental field holds: events always {@code datetime}. */
    String windowAttribute() {
        return switch (loadType()) {
            case EVENTS -> DatasourceFile.EVENTS_CONNECTOR;
            case INCREMENTAL -> source().attribute(incrementalFieldConnector()).orElseThrow();
            case FULL -> null;
        };
    }
}
