package dev.authbox.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A table of JSON resources with optimistic versioning. Besides id, version, update time, the JSON
 * text and the hash of a write-only secret (for types that have one), a table may carry columns
 * derived from the resource (a user's email and inactive flag) that the caller fills; filters may
 * name them.
 */
public final class DocumentTable {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_]+");

    private final Jdbc jdbc;
    private final String table;
    private final String hashColumn;
    private final List<String> derivedColumns;
    private final String selectColumns;

    public DocumentTable(Jdbc jdbc, String table, String hashColumn, List<String> derivedColumns) {
        for (String name : concat(hashColumn == null ? List.of(table) : List.of(table, hashColumn), derivedColumns)) {
            if (!IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException("not an identifier: " + name);
            }
        }
        this.jdbc = jdbc;
        this.table = table;
        this.hashColumn = hashColumn;
        this.derivedColumns = List.copyOf(derivedColumns);
        this.selectColumns = "id, version, updated_at, " + (hashColumn == null ? "NULL AS no_hash" : hashColumn) + ", resource";
    }

    public Optional<StoredDocument> find(String id) {
        return jdbc.queryOne("SELECT " + selectColumns + " FROM " + table + " WHERE id = ?", this::map, id);
    }

    public Optional<StoredDocument> findBy(String column, String value) {
        requireDerivedColumn(column);
        return jdbc.queryOne("SELECT " + selectColumns + " FROM " + table + " WHERE " + column + " = ?", this::map, value);
    }

    /** Inserts version 1; a row with the same id or unique search value raises DuplicateKeyException. */
    public void insert(StoredDocument doc, Map<String, Object> columnValues) {
        List<Object> args = new ArrayList<>(List.of(doc.id(), doc.version(), doc.updatedAt()));
        StringBuilder columns = new StringBuilder("id, version, updated_at, resource");
        StringBuilder marks = new StringBuilder("?, ?, ?, ?");
        args.add(doc.json());
        if (hashColumn != null) {
            columns.append(", ").append(hashColumn);
            marks.append(", ?");
            args.add(doc.secretHash());
        }
        for (String column : derivedColumns) {
            columns.append(", ").append(column);
            marks.append(", ?");
            args.add(columnValues.get(column));
        }
        jdbc.update("INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")", args.toArray());
    }

    /** Replaces the row if it still has {@code expectedVersion}; false when another write came first. */
    public boolean replace(StoredDocument doc, long expectedVersion, Map<String, Object> columnValues) {
        StringBuilder set = new StringBuilder("version = ?, updated_at = ?, resource = ?");
        List<Object> args = new ArrayList<>(List.of(doc.version(), doc.updatedAt()));
        args.add(doc.json());
        if (hashColumn != null) {
            set.append(", ").append(hashColumn).append(" = ?");
            args.add(doc.secretHash());
        }
        for (String column : derivedColumns) {
            set.append(", ").append(column).append(" = ?");
            args.add(columnValues.get(column));
        }
        args.add(doc.id());
        args.add(expectedVersion);
        return jdbc.update("UPDATE " + table + " SET " + set + " WHERE id = ? AND version = ?", args.toArray()) == 1;
    }

    public boolean delete(String id) {
        return jdbc.update("DELETE FROM " + table + " WHERE id = ?", id) == 1;
    }

    /** One page of rows matching every filter (column = value), ordered by id, and the total count. */
    public Page<StoredDocument> search(Map<String, String> filters, int count, int offset) {
        Map<String, String> where = new LinkedHashMap<>(filters);
        where.keySet().forEach(this::requireFilterColumn);
        StringBuilder clause = new StringBuilder();
        for (String column : where.keySet()) {
            clause.append(clause.length() == 0 ? " WHERE " : " AND ").append(column).append(" = ?");
        }
        Object[] args = where.values().toArray();
        long total = jdbc.queryOne("SELECT COUNT(*) FROM " + table + clause, rs -> rs.getLong(1), args).orElse(0L);
        List<Object> pageArgs = new ArrayList<>(where.values());
        pageArgs.add(count);
        pageArgs.add(offset);
        List<StoredDocument> rows = jdbc.query(
                "SELECT " + selectColumns + " FROM " + table + clause + " ORDER BY id LIMIT ? OFFSET ?",
                this::map, pageArgs.toArray());
        return new Page<>(rows, total);
    }

    private StoredDocument map(ResultSet rs) throws SQLException {
        return new StoredDocument(rs.getString("id"), rs.getLong("version"), rs.getLong("updated_at"),
                rs.getString(4), rs.getString("resource"));
    }

    private void requireDerivedColumn(String column) {
        if (!derivedColumns.contains(column)) {
            throw new IllegalArgumentException(table + " has no column " + column);
        }
    }

    private void requireFilterColumn(String column) {
        if (!column.equals("id")) {
            requireDerivedColumn(column);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
