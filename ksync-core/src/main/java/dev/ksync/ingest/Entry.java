package dev.ksync.ingest;

/**
 * A datasource a run chose, with where the datasources file has it ({@code inc_datasources[1]}): what a refusal of
 * it names, whether the check before the run finds it or the datasource's load does.
 */
record Entry(String key, Datasource datasource) {
    /** A refusal's opening: {@code inc_datasources[1] (templates): }. */
    String label() {
        return key + " (" + datasource.name() + "): ";
    }
}
