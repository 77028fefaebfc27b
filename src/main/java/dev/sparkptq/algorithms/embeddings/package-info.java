/**
 * Embedding tables (a {@code Gather} along axis 0 of a constant float matrix: word, position and token-type
 * embeddings) stored as int8 with one symmetric scale per column, dequantized after the gather — so only the rows
 * a run reads are converted, and a transformer's file shrinks to about a quarter (the word table is most of a small
 * encoder). Pure graph planning: the edits are applied by {@link dev.sparkptq.graph.edit.GraphRewriter}.
 */
package dev.sparkptq.algorithms.embeddings;
