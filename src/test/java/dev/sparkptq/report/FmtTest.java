package dev.sparkptq.report;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FmtTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1000|1,000 B",
            "1024|1,024 B (1.00 KiB)",
            "3660092|3,660,092 B (3.49 MiB)"})
    void bytesShowExactAndBinaryUnits(long bytes, String expected) {
        assertEquals(expected, Fmt.bytes(bytes));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.25|0.250 (4.00\u00d7 smaller)",
            "2|2.000 (2.00\u00d7 larger)",
            "0|n/a"})
    void sizeRatioSaysTheFactor(double ratio, String expected) {
        assertEquals(expected, Fmt.sizeRatio(ratio));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0|0", "0.01|0.01", "100|100", "1e5|1e5", "-1e-4|-1e-4", "2.5e6|2.5e6", "0.001|0.001"})
    void ticksAreShort(double v, String expected) {
        assertEquals(expected, Fmt.tick(v));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0.0039215686|0.003922", "254.87548828125|254.9", "1.25e-7|1.250e-07"})
    void scalesKeepFourSignificantDigits(double v, String expected) {
        assertEquals(expected, Fmt.sig(v));
    }
}
