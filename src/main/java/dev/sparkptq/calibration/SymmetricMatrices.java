package dev.sparkptq.calibration;

/**
 * The dense linear algebra layer-wise tuning needs, on symmetric matrices stored row-major as {@code double[n·n]}:
 * Cholesky factorisation, the inverse from it, and the quadratic form {@code eᵀ H e}. Plain loops: the matrices are
 * at most a few thousand wide and the solver runs once per layer on the driver.
 */
public final class SymmetricMatrices {
    private SymmetricMatrices() {
    }

    /**
     * The lower-triangular {@code L} with {@code a = L Lᵀ}, or null when {@code a} is not (numerically) positive
     * definite.
     */
    public static double[] cholesky(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0) || !Double.isFinite(d)) {
                return null;
            }
            double ljj = Math.sqrt(d);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                double v = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    v -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = v / ljj;
            }
        }
        return l;
    }

    /** {@code a⁻¹} from {@code a}'s Cholesky factor {@code L}: {@code (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹}. */
    public static double[] inverseFromCholesky(double[] l, int n) {
        double[] li = new double[n * n]; // L⁻¹, lower triangular
        for (int j = 0; j < n; j++) {
            li[j * n + j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++) {
                double v = 0;
                for (int k = j; k < i; k++) {
                    v -= l[i * n + k] * li[k * n + j];
                }
                li[i * n + j] = v / l[i * n + i];
            }
        }
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int k = i; k < n; k++) {
                    v += li[k * n + i] * li[k * n + j];
                }
                inv[i * n + j] = v;
                inv[j * n + i] = v;
            }
        }
        return inv;
    }

    /** {@code eᵀ H e} for symmetric {@code h}. */
    public static double quadratic(double[] h, int n, double[] e) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double ei = e[i];
            if (ei == 0) {
                continue;
            }
            double row = 0;
            for (int j = 0; j < n; j++) {
                row += h[i * n + j] * e[j];
            }
            total += ei * row;
        }
        return total;
    }

    /** {@code M v} for a row-major {@code n × n} matrix. */
    public static double[] times(double[] m, int n, double[] v) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double r = 0;
            for (int j = 0; j < n; j++) {
                r += m[i * n + j] * v[j];
            }
            out[i] = r;
        }
        return out;
    }

    /** {@code Mᵀ v} for a row-major {@code n × n} matrix. */
    public static double[] transposeTimes(double[] m, int n, double[] v) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double vi = v[i];
            if (vi != 0) {
                for (int j = 0; j < n; j++) {
                    out[j] += m[i * n + j] * vi;
                }
            }
        }
        return out;
    }
}
