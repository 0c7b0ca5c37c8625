package dev.authbox.store;

import java.util.List;

/** One page of a search and the number of rows matching it in all. */
public record Page<T>(List<T> rows, long total) {
}
