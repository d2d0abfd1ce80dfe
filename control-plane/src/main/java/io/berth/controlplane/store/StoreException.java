package io.berth.controlplane.store;

import java.sql.SQLException;

/** The database failed in a way the caller cannot fix; it ends as a ServerException. */
public class StoreException
        extends RuntimeException
{
    public StoreException(String message, Throwable cause)
    {
        super(message, cause);
    }

    public static StoreException of(String sql, SQLException e)
    {
        if (isRetryable(e)) {
            return new ConcurrentUpdateException("Concurrent update: " + e.getMessage(), e);
        }
        return new StoreException("Store query failed: " + e.getMessage() + " [" + sql + "]", e);
    }

    public static boolean isUniqueViolation(SQLException e)
    {
        // PostgreSQL: SQLState 23505; SQLite: result code SQLITE_CONSTRAINT (19)
        return "23505".equals(e.getSQLState())
                || (e.getErrorCode() == 19 && String.valueOf(e.getMessage()).contains("UNIQUE"))
                || String.valueOf(e.getMessage()).contains("UNIQUE constraint failed");
    }

    private static boolean isRetryable(SQLException e)
    {
        // PostgreSQL serialization failure or deadlock: the whole transaction may simply run again
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }
}
