package dev.authbox.resource;

import java.util.List;

/** A submitted resource breaks one or more rules; each issue names its field. */
public class ValidationException extends RuntimeException {
    private final List<Issue> issues;

    public ValidationException(List<Issue> issues) {
        super(issues.isEmpty() ? "invalid resource" : issues.get(0).expression() + ": " + issues.get(0).message());
        this.issues = List.copyOf(issues);
    }

    public List<Issue> issues() {
        return issues;
    }
}
