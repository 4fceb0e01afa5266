package dev.ksync.sandbox.data;

/** A tag; all tags belong to the account's default tag group. */
public record Tag(String id, String name, String tagGroupId) {}
