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

// One guard for every form: a submit that arrives while any composition is
// open (some browsers submit on the Enter that commits 한글) is dropped.
let openCompositions = 0;
export function guardForms() {
  document.addEventListener('compositionstart', () => { openCompositions++; }, true);
  document.addEventListener('compositionend', () => { openCompositions = Math.max(0, openCompositions - 1); }, true);
  document.addEventListener('blur', () => { openCompositions = 0; }, true);
  document.addEventListener('submit', (ev) => {
    if (openCompositions > 0) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  }, true);
}
