package io.berth.cli.commands;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TablePrinterTest
{
    @Test
    void alignsColumnsToTheWidestCell()
    {
        StringWriter text = new StringWriter();
        new TablePrinter(List.of("TASK", "STATUS", "EXIT"))
                .addRow(List.of("abc", "RUNNING", ""))
                .addRow(Arrays.asList("0123456789ab", "STOPPED", null))
                .addRow(List.of("x", "STOPPED", "137"))
                .print(new PrintWriter(text));

        assertThat(text.toString().lines()).containsExactly(
                "TASK           STATUS    EXIT",
                "abc            RUNNING",
                "0123456789ab   STOPPED",
                "x              STOPPED   137");
    }

    @Test
    void headerOnlyWhenEmpty()
    {
        StringWriter text = new StringWriter();
        new TablePrinter(List.of("A", "B")).print(new PrintWriter(text));
        assertThat(text.toString().lines()).containsExactly("A   B");
    }

    @Test
    void rejectsRowsOfTheWrongWidth()
    {
        assertThatThrownBy(() -> new TablePrinter(List.of("A", "B")).addRow(List.of("1")))
                .hasMessageContaining("1 cells, table has 2 columns");
    }
}
