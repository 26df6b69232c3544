// Korean IME safety: while a composition is open (한글 syllables being
// built), Enter and input events belong to the IME. imeSafe() tracks it so
// callers never search or submit mid-composition; onCommit fires only with
// finished text.
export function imeSafe(input, { onCommit, onEnter } = {}) {
  let composing = false;
  input.addEventListener('compositionstart', () => { composing = true; input.dataset.composing = '1'; });
  input.addEventListener('compositionend', () => {
    composing = false;
    delete input.dataset.composing;
    if (onCommit) onCommit(input.value);
  });
  input.addEventListener('input', (ev) => {
    if (composing || ev.isComposing) return;
    if (onCommit) onCommit(input.value);
  });
  input.addEventListener('keydown', (ev) => {
    // keyCode 229 is the IME's own keydown in Chromium and Safari.
    if (composing || ev.isComposing || ev.keyCode === 229) return;
    if (ev.key === 'Enter' && onEnter && !ev.shiftKey) onEnter(ev);
  });
  return { composing: () => composing };
}
