package dev.authbox.resource;

import java.util.List;

/** Reading of search parameters shared by every searchable resource. */
public final class SearchParams {
    public static final int DEFAULT_COUNT = 100;
    public static final int MAX_COUNT = 1000;

    private SearchParams() {
    }

    /** The single value of a search parameter. */
    public static String single(String name, List<String> values) {
        if (values.size() != 1) {
            throw new BadRequestException("search parameter '" + name + "' must be given once");
        }
        return values.get(0);
    }

    /** A whole-number parameter within bounds; 400 otherwise. */
    public static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadRequestException(name + " must be a whole number from " + min + " to " + max);
    }
}
