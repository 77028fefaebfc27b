package dev.sparkptq.config;

import java.io.Serializable;

/** How samples are read from the data source; one variant per data format. */
public sealed interface ReaderSpec extends Serializable permits ImageReaderSpec, NpyReaderSpec, TextReaderSpec, JsonArrayReaderSpec,
        TableReaderSpec {
}
