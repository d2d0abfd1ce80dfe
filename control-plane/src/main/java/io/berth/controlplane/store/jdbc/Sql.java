package io.berth.controlplane.store.jdbc;

import io.berth.controlplane.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The few JDBC calls the row classes need, on one connection, with SQLException turned into StoreException. */
public final class Sql
{
    private final Connection connection;

    public Sql(Connection connection)
    {
        this.connection = requireNonNull(connection, "connection is null");
    }

    @FunctionalInterface
    public interface RowMapper<T>
    {
        T map(ResultSet row)
                throws SQLException;
    }

    public int update(String sql, Object... parameters)
    {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            return statement.executeUpdate();
        }
        catch (SQLException e) {
            throw StoreException.of(sql, e);
        }
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters)
    {
        try (PreparedStatement statement = prepare(sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        }
        catch (SQLException e) {
            throw StoreException.of(sql, e);
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... parameters)
    {
        List<T> rows = query(sql, mapper, parameters);
        if (rows.size() > 1) {
            throw new IllegalStateException("expected at most one row, got " + rows.size() + ": " + sql);
        }
        return rows.stream().findFirst();
    }

    public long count(String sql, Object... parameters)
    {
        return queryOne(sql, row -> row.getLong(1), parameters).orElse(0L);
    }

    /** True on PostgreSQL, for the few statements (session settings) that only it knows. */
    public boolean isPostgreSql()
    {
        try {
            return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
        }
        catch (SQLException e) {
            throw StoreException.of("getMetaData", e);
        }
    }

    /** A nullable BIGINT column: getLong returns 0 for NULL, which would be a real time. */
    public static Long nullableLong(ResultSet row, String column)
            throws SQLException
    {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    private PreparedStatement prepare(String sql, Object... parameters)
            throws SQLException
    {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement;
        }
        catch (SQLException e) {
            statement.close();
            throw e;
        }
    }
}
