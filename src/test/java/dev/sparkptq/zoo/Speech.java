package dev.sparkptq.zoo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Speech at 16 kHz as PCM values in int16 range: English sentences spoken by Debian's {@code espeak-ng} (several
 * voices, speeds and pitches; calibration and held-out sets use different sentences and voices), resampled to
 * 16 kHz and padded with quiet room noise. Without espeak-ng a deterministic synthetic voice stands in
 * ({@link #synthetic}): a glottal pulse train with a moving pitch through two formant resonators, with unvoiced
 * noise bursts and pauses — speech-like spectra and dynamics, not words; {@link #source()} says which was used.
 */
final class Speech {
    static final int RATE = 16_000;
    private static final String[] CALIBRATION = {
        "hey jarvis, turn on the lights in the kitchen", "what is the weather like tomorrow morning",
        "hey jarvis", "please set a timer for ten minutes", "play some music in the living room",
        "hey jarvis, what time is it", "remind me to call my mother at six", "how far is it to the station",
        "the meeting has been moved to thursday afternoon", "hey jarvis, stop"};
    private static final String[] HELD_OUT = {
        "hey jarvis, open the garage door", "could you read me the latest news", "hey jarvis",
        "add milk and eggs to the shopping list", "turn the volume down a little",
        "hey jarvis, good night", "I think it is going to rain later today", "where did I leave my keys"};
    private static final String[] CALIBRATION_VOICES = {"en-us", "en-gb", "en-us+f3", "en-gb+m3", "en+f2"};
    private static final String[] HELD_OUT_VOICES = {"en-gb-scotland", "en-029", "en-us+f4", "en-gb-x-rp+m5"};

    private Speech() {
    }

    /** "espeak-ng" or "synthetic". */
    static String source() {
        return espeakAvailable() ? "espeak-ng" : "synthetic";
    }

    /** {@code count} utterances of at least {@code minSeconds} each, deterministic for a split. */
    static List<float[]> utterances(TextImages.Split split, int count, double minSeconds, Path work) {
        boolean espeak = espeakAvailable();
        String[] texts = split == TextImages.Split.CALIBRATION ? CALIBRATION : HELD_OUT;
        String[] voices = split == TextImages.Split.CALIBRATION ? CALIBRATION_VOICES : HELD_OUT_VOICES;
        SplittableRandom rnd = new SplittableRandom(split == TextImages.Split.CALIBRATION ? 11 : 23);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] voice = espeak ? espeak(texts[i % texts.length], voices[i % voices.length],
                    130 + rnd.nextInt(60), 35 + rnd.nextInt(30), work.resolve("u" + i + ".wav"))
                    : synthetic(rnd, 0.8 + rnd.nextDouble() * 1.4);
            out.add(pad(voice, minSeconds, rnd, 0.15 + rnd.nextDouble() * 0.6));
        }
        return out;
    }

    static boolean espeakAvailable() {
        try {
            Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static float[] espeak(String text, String voice, int wpm, int pitch, Path wav) {
        try {
            Files.createDirectories(wav.getParent());
            Process p = new ProcessBuilder("espeak-ng", "-v", voice, "-s", Integer.toString(wpm), "-p",
                    Integer.toString(pitch), "-w", wav.toString(), text).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("espeak-ng failed for voice " + voice + ": " + log);
            }
            return wav(Files.readAllBytes(wav));
        } catch (IOException e) {
            throw new IllegalStateException("espeak-ng: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A 16-bit mono PCM WAV file as 16 kHz samples in int16 range. */
    static float[] wav(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        int rate = RATE;
        int channels = 1;
        while (pos + 8 <= bytes.length) {
            String id = new String(bytes, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = b.getInt(pos + 4);
            if (id.equals("fmt ")) {
                channels = b.getShort(pos + 10);
                rate = b.getInt(pos + 12);
            } else if (id.equals("data")) {
                // espeak-ng streams to the file and may leave the size at 0 or too large: take what is there
                int n = (size <= 0 || pos + 8 + size > bytes.length ? bytes.length - pos - 8 : size) / 2 / channels;
                float[] pcm = new float[n];
                for (int i = 0; i < n; i++) {
                    pcm[i] = b.getShort(pos + 8 + i * 2 * channels);
                }
                return resample(pcm, rate);
            }
            pos += 8 + size + (size & 1);
        }
        throw new IllegalStateException("no data chunk in the WAV file");
    }

    /** Linear-interpolation resampling to 16 kHz after a 3-tap smoothing when downsampling (speech, not hi-fi). */
    static float[] resample(float[] in, int rate) {
        if (rate == RATE) {
            return in;
        }
        float[] src = in;
        if (rate > RATE) {
            src = new float[in.length];
            for (int i = 0; i < in.length; i++) {
                src[i] = 0.25f * in[Math.max(0, i - 1)] + 0.5f * in[i] + 0.25f * in[Math.min(in.length - 1, i + 1)];
            }
        }
        int n = (int) ((long) src.length * RATE / rate);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double x = (double) i * rate / RATE;
            int k = (int) x;
            double f = x - k;
            out[i] = (float) (src[k] * (1 - f) + src[Math.min(src.length - 1, k + 1)] * f);
        }
        return out;
    }

    /** Silence-padded to at least {@code minSeconds}, with quiet noise (about −60 dBFS) throughout. */
    private static float[] pad(float[] voice, double minSeconds, SplittableRandom rnd, double leadSeconds) {
        int lead = (int) (leadSeconds * RATE);
        int n = Math.max((int) (minSeconds * RATE), lead + voice.length + RATE / 4);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (rnd.nextGaussian() * 30);
        }
        for (int i = 0; i < voice.length; i++) {
            out[lead + i] += voice[i];
        }
        return out;
    }

    /** The synthetic stand-in: voiced segments (pulse train through formants) and unvoiced noise, with pauses. */
    static float[] synthetic(SplittableRandom rnd, double seconds) {
        int n = (int) (seconds * RATE);
        float[] out = new float[n];
        int i = 0;
        double phase = 0;
        while (i < n) {
            int seg = (int) ((0.06 + rnd.nextDouble() * 0.2) * RATE);
            int kind = rnd.nextInt(5); // 0: pause, 1: unvoiced, else voiced
            double f0 = 90 + rnd.nextDouble() * 150;
            double f1 = 300 + rnd.nextDouble() * 600;
            double f2 = 900 + rnd.nextDouble() * 1600;
            double[] r1 = new double[2];
            double[] r2 = new double[2];
            for (int k = 0; k < seg && i < n; k++, i++) {
                double env = Math.sin(Math.PI * k / seg);
                double src;
                if (kind == 0) {
                    src = 0;
                } else if (kind == 1) {
                    src = rnd.nextGaussian() * 0.3;
                } else {
                    phase += (f0 * (1 + 0.1 * Math.sin(2 * Math.PI * k / seg))) / RATE;
                    src = phase % 1.0 < 0.1 ? 1 : -0.05;
                }
                double y = resonate(src, f1, r1) + 0.5 * resonate(src, f2, r2);
                out[i] = (float) (y * env * 3000);
            }
        }
        return out;
    }

    private static double resonate(double x, double freq, double[] state) {
        double r = 0.97;
        double c = 2 * r * Math.cos(2 * Math.PI * freq / RATE);
        double y = x + c * state[0] - r * r * state[1];
        state[1] = state[0];
        state[0] = y;
        return y * (1 - r);
    }
}
