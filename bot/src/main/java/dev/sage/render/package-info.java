/** Renderers: turn a snapshot or a diagnosis into text or JSON. No I/O; callers print the result. */
package dev.sage.render;
