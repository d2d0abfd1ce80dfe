package io.berth.cli.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints rows in left-aligned columns separated by three spaces, like `docker ps`. */
public final class TablePrinter
{
    private static final String SEPARATOR = "   ";

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public TablePrinter(List<String> headers)
    {
        this.headers = List.copyOf(headers);
    }

    /** Adds a row; null cells print as empty. */
    public TablePrinter addRow(List<String> row)
    {
        if (row.size() != headers.size()) {
            throw new IllegalArgumentException("Row has " + row.size() + " cells, table has " + headers.size() + " columns");
        }
        rows.add(row.stream().map(cell -> cell == null ? "" : cell).toList());
        return this;
    }

    public void print(PrintWriter out)
    {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < headers.size(); column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        printRow(out, headers, widths);
        for (List<String> row : rows) {
            printRow(out, row, widths);
        }
        out.flush();
    }

    private static void printRow(PrintWriter out, List<String> cells, int[] widths)
    {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            String cell = cells.get(column);
            line.append(cell);
            if (column < cells.size() - 1) {
                line.append(" ".repeat(widths[column] - cell.length())).append(SEPARATOR);
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
