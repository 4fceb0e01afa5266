package dev.ksync.klaviyo.error;

/** Who has to act on an error: the user (fix input or key), nobody yet (Klaviyo is failing), or us (a bug). */
public enum ErrorKind { USER, EXTERNAL, INTERNAL }
