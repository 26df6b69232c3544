// Shared state of the signed-in page. index.html loads main.js under a
// versioned URL (main.js?v=…), so no module may import main.js itself: it
// would run a second copy. Shared things live here instead.
export const session = { user: null };
