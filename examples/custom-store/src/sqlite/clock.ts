/**
 * Now, in whole milliseconds since the Unix epoch, as SQLite reads it. SQLite is a library in
 * the caller's process, so this is the machine's clock, the same one every process sharing the
 * database file reads (the file must not be shared across machines). SQLite fixes "now" for
 * the duration of one statement, so every use within a statement sees the same instant.
 */
export const NOW_MS = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
