package dev.ksync.sandbox.data;

import java.time.Instant;

public record Template(String id, String name, String editorType, String html, String text, Instant created, Instant updated) {}
