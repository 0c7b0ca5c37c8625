package dev.authbox.security;

import dev.authbox.support.TestServer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every row of every table of a node's schema, as text: {@code SELECT *} of each table, each row
 * rendered as {@code column=value|...}, rows sorted so that two dumps compare regardless of order.
 */
final class TableDump {
    private TableDump() {
    }

    /** Table name (lower case) to its sorted rows; tables named in {@code excluded} (lower case) are left out. */
    static Map<String, List<String>> dump(TestServer server, Set<String> excluded) throws Exception {
        Map<String, List<String>> tables = new TreeMap<>();
        try (Connection c = server.connect()) {
            for (String table : tableNames(c)) {
                if (excluded.contains(table.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                List<String> rows = new ArrayList<>();
                String q = c.getMetaData().getIdentifierQuoteString().trim();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + q + table + q)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            String text = v instanceof byte[] b ? "0x" + HexFormat.of().formatHex(b) : String.valueOf(v);
                            row.append(i == 1 ? "" : "|").append(md.getColumnName(i).toLowerCase(Locale.ROOT)).append('=').append(text);
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                tables.put(table.toLowerCase(Locale.ROOT), rows);
            }
        }
        if (tables.isEmpty()) {
            throw new AssertionError("no tables found in " + server.dbUrl());
        }
        return tables;
    }

    /** The tables of the connection's current schema, as the database spells them. */
    static List<String> tableNames(Connection c) throws Exception {
        DatabaseMetaData md = c.getMetaData();
        String schema = c.getSchema();
        List<String> names = new ArrayList<>();
        try (ResultSet rs = md.getTables(c.getCatalog(), schema, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        names.sort(null);
        return names;
    }

    /** Per table: row count and a SHA-256 of the sorted rows, for short messages. */
    static Map<String, String> summary(Map<String, List<String>> dump) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : dump.entrySet()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String row : e.getValue()) {
                sha.update(row.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            out.put(e.getKey(), e.getValue().size() + " rows, sha256 " + HexFormat.of().formatHex(sha.digest()).substring(0, 16));
        }
        return out;
    }

    /** A readable difference between two dumps: rows that appeared and rows that went away, per table. */
    static String diff(Map<String, List<String>> before, Map<String, List<String>> after) {
        StringBuilder out = new StringBuilder();
        Set<String> names = new java.util.TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String t : names) {
            List<String> b = before.getOrDefault(t, List.of());
            List<String> a = after.getOrDefault(t, List.of());
            List<String> gone = new ArrayList<>(b);
            gone.removeAll(a);
            List<String> added = new ArrayList<>(a);
            added.removeAll(b);
            if (!gone.isEmpty() || !added.isEmpty()) {
                out.append("table ").append(t).append(": ").append(b.size()).append(" -> ").append(a.size()).append(" rows\n");
                gone.stream().limit(10).forEach(r -> out.append("  - ").append(r).append('\n'));
                added.stream().limit(10).forEach(r -> out.append("  + ").append(r).append('\n'));
            }
        }
        return out.toString();
    }
}
