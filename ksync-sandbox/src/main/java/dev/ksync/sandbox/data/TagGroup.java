package dev.ksync.sandbox.data;

public record TagGroup(String id, String name, boolean exclusive, boolean isDefault) {}
