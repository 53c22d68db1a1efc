/**
 * A link that opens a place in the phone's map app (高德's URI API: the app if installed, else its web map).
 * Coordinates are GCJ-02, as the mini-program's wx.getLocation gives them; an address is searched for.
 */
export function mapUrl(place: { latitude: number; longitude: number } | string, name = '位置'): string {
  if (typeof place === 'string') return `https://uri.amap.com/search?keyword=${encodeURIComponent(place)}&callnative=1`;
  return `https://uri.amap.com/marker?position=${place.longitude},${place.latitude}&name=${encodeURIComponent(name)}&coordinate=gaode&callnative=1`;
}
