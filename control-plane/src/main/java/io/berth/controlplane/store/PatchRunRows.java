package io.berth.controlplane.store;

import io.berth.controlplane.patching.PatchRun;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The operator's patch runs (see V24), each stored whole as JSON; at most one RUNNING. */
public final class PatchRunRows
{
    private final Sql sql;

    PatchRunRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** Stores a new run; false when it is RUNNING and another run is RUNNING already. */
    public boolean insert(PatchRun run)
    {
        try {
            sql.update("INSERT INTO patch_runs (run_id, status, created_at, body) VALUES (?, ?, ?, ?)",
                    run.runId(), run.status().name(), run.createdAt().toEpochMilli(), JsonBodies.write(run));
            return true;
        }
        catch (StoreException e) {
            if (e.getCause() instanceof SQLException cause && StoreException.isUniqueViolation(cause)) {
                return false;
            }
            throw e;
        }
    }

    public void update(PatchRun run)
    {
        sql.update("UPDATE patch_runs SET status = ?, body = ? WHERE run_id = ?", run.status().name(), JsonBodies.write(run), run.runId());
    }

    public Optional<PatchRun> find(String runId)
    {
        return sql.queryOne("SELECT body FROM patch_runs WHERE run_id = ?", PatchRunRows::run, runId);
    }

    /** The runs still RUNNING (one at most). */
    public List<PatchRun> running()
    {
        return sql.query("SELECT body FROM patch_runs WHERE status = 'RUNNING' ORDER BY created_at", PatchRunRows::run);
    }

    /** The newest limit runs, newest first. */
    public List<PatchRun> latest(int limit)
    {
        return sql.query("SELECT body FROM patch_runs ORDER BY created_at DESC, run_id DESC LIMIT ?", PatchRunRows::run, limit);
    }

    private static PatchRun run(ResultSet row)
            throws SQLException
    {
        return JsonBodies.read(row.getString("body"), PatchRun.class);
    }
}
