import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // An update must never reload a visit in progress: the app asks first.
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Keukentafel',
        short_name: 'Keukentafel',
        description: 'Keukentafelgesprekken ter voorkoming van huisuitzetting.',
        lang: 'nl',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#1d5b79',
        background_color: '#ffffff',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The manifest's icons are added to the precache by the plugin itself.
        globPatterns: ['**/*.{js,css,html,svg}'],
        // A classic (non-module) worker: module service workers are not yet everywhere.
        rollupFormat: 'iife',
      },
    }),
  ],
});
