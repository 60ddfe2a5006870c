import { defineConfig } from "vite";
import { resolve } from "node:path";

// The pages are served by the silo from its wwwroot (the control room at /control-room/, the drivers' page at /driver/): nothing is fetched from the
// internet at run time (the SignalR client is bundled). Built by `npm run build`, which the silo's build runs.
export default defineConfig({
  base: "/",
  build: {
    outDir: resolve(import.meta.dirname, "../src/BorderGate.Silo/wwwroot"),
    // Not emptied: the silo's build lists wwwroot's files before it builds them (static web assets), and a file that
    // vanished between the listing and the build fails it. A file no page uses any more stays there, unserved by links.
    emptyOutDir: false,
    target: "es2022",
    rollupOptions: {
      input: {
        "control-room": resolve(import.meta.dirname, "control-room/index.html"),
        driver: resolve(import.meta.dirname, "driver/index.html"),
      },
      // Stable names, for the same reason (a name that changed with every build would be missing from that list). The
      // silo serves them with ETags, so a browser still revalidates.
      output: {
        entryFileNames: "assets/[name].js",
        chunkFileNames: "assets/[name].js",
        assetFileNames: "assets/[name][extname]",
        manualChunks: (id) => (id.includes("/node_modules/") ? "vendor" : /\/src\/(hub|time-span|auth)\.ts$/.test(id) ? "shared" : undefined),
      },
    },
  },
});
