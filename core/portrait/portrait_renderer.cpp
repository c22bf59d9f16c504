// How it draws: every sample of every pixel walks a fixed list of shapes back to front
// (background, clothes, hair behind the head, neck, ears, the beard below the jaw, the face
// with its features and glasses, the fringe) and blends each with the coverage that its signed
// distance gives over one sample's width: analytic anti-aliasing, so that even supersample 1 has
// smooth edges. Shapes are described in a scene coordinate frame where the image spans x, y in [-1,
// 1] (y down), so the picture is the same at every size. The inner features (eyes, brows, nose,
// mouth, beard, glasses, fringe) are placed in a "feature frame" that the head's yaw turns as if
// they lay on a cylinder: they shift towards the turn and crowd against the outline on that side.
#include "portrait/portrait_renderer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ls::portrait {

namespace {

struct V3 {
    float r, g, b;
};
inline V3 operator+(V3 a, V3 b) {
    return {a.r + b.r, a.g + b.g, a.b + b.b};
}
inline V3 operator-(V3 a, V3 b) {
    return {a.r - b.r, a.g - b.g, a.b - b.b};
}
inline V3 operator*(V3 a, float s) {
    return {a.r * s, a.g * s, a.b * s};
}
inline V3 mix(V3 a, V3 b, float t) {
    return a + (b - a) * t;
}
inline float mixf(float a, float b, float t) {
    return a + (b - a) * t;
}
inline float clamp01(float v) {
    return v < 0.f ? 0.f : (v > 1.f ? 1.f : v);
}
inline float clampf(float v, float lo, float hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}
inline float smoothstep(float e0, float e1, float x) {
    const float t = clamp01((x - e0) / (e1 - e0));
    return t * t * (3.f - 2.f * t);
}
inline float sq(float v) {
    return v * v;
}

// A cheap sine (error under 0.001) for the waves and strands: std::sin costs more than all the
// rest of a sample.
inline float wave(float x) {
    constexpr float kPi = 3.14159265f, kTwoPi = 6.28318531f;
    x -= kTwoPi * std::floor((x + kPi) * (1.f / kTwoPi));
    float y = (4.f / kPi) * x - (4.f / (kPi * kPi)) * x * std::fabs(x);
    return 0.225f * (y * std::fabs(y) - y) + y;
}

// A colour ramp through four evenly spaced stops.
V3 ramp4(const V3 (&stops)[4], float t) {
    const float s = clamp01(t) * 3.f;
    const int i = std::min(2, static_cast<int>(s));
    return mix(stops[i], stops[i + 1], s - static_cast<float>(i));
}

V3 hsv(float h, float s, float v) {
    h = (h - std::floor(h)) * 6.f;
    const int i = std::min(5, static_cast<int>(h));
    const float f = h - static_cast<float>(i);
    const float p = v * (1.f - s), q = v * (1.f - s * f), t = v * (1.f - s * (1.f - f));
    switch (i) {
        case 0:
            return {v, t, p};
        case 1:
            return {q, v, p};
        case 2:
            return {p, v, t};
        case 3:
            return {p, q, v};
        case 4:
            return {t, p, v};
        default:
            return {v, p, q};
    }
}

// Approximate signed distance to the ellipse x²/rx² + y²/ry² = 1 (negative inside): the
// first-order estimate k0 (k0 - 1) / k1, exact on the boundary, which is where anti-aliasing
// needs it.
inline float ellipse_d(float x, float y, float rx, float ry) {
    const float ax = x / rx, ay = y / ry;
    const float k0 = std::sqrt(ax * ax + ay * ay);
    const float bx = ax / rx, by = ay / ry;
    const float k1 = std::sqrt(bx * bx + by * by);
    return k1 > 1e-6f ? k0 * (k0 - 1.f) / k1 : -std::min(rx, ry);
}

// Distance from p to the segment a-b; *t is where along it (0..1) the nearest point lies.
inline float segment_d(float px, float py, float ax, float ay, float bx, float by, float* t) {
    const float vx = bx - ax, vy = by - ay, wx = px - ax, wy = py - ay;
    const float h = clamp01((wx * vx + wy * vy) / (vx * vx + vy * vy));
    if (t) *t = h;
    return std::sqrt(sq(wx - vx * h) + sq(wy - vy * h));
}

// The colour being built for one sample; `over` blends a layer on top with opacity `a`.
struct Paint {
    V3 c;
    void over(V3 col, float a) {
        if (a >= 1.f) {
            c = col;
        } else if (a > 0.f) {
            c = mix(c, col, a);
        }
    }
    void darken(float a) {
        if (a > 0.f) c = c * (1.f - std::min(a, 1.f));
    }
};

// Everything that depends on the attributes only, computed once per image.
struct Scene {
    float aa = 0;  // width of one sample in scene units: the anti-aliasing ramp

    // Light: a direction (towards the light) and how much of the shading it makes.
    float lx = 0, ly = 0, lz = 0, amb = 0, kd = 0, spec = 0, ldir = 0, lstr = 0;
    float hx = 0, hy = 0, hz = 0;  // Blinn half vector between the light and the viewer

    // Colours.
    V3 skin{}, hair{}, brow{}, beard{}, lip{}, lip_line{}, clothes{}, frame{}, bg_top{},
        bg_bottom{};

    // Head outline (an egg: an ellipse narrowing towards the chin).
    float fcy = 0, fry = 0, fhw = 0, face_dx = 0, chin_dx = 0, neck_hw = 0;
    // Feature frame: x_feature = R sin(asin(x_screen / R) - phi), see feature_x().
    float cyl_r = 0, cos_phi = 1, sin_phi = 0;

    // Hair.
    float cap_cx = 0, cap_cy = 0, cap_rx = 0, cap_ry = 0, strip_hw = 0, hair_end = 0;
    float hairline = 0, side_drop = 0, front_rx = 0;
    // Ears: x centre and half-width of the left [0] and right [1] ear.
    float ear_x[2] = {0, 0}, ear_rx[2] = {0, 0};

    // Eyes (feature frame; the left eye at -eye_x): lower lid height, how far the upper lid is
    // open, iris offset.
    float eye_x = 0, eye_y = 0, eye_rx = 0, lid_lo = 0, lid_open = 0, iris_dx = 0;
    // Eyebrows: heights of the inner and outer ends.
    float brow_in = 0, brow_out = 0;
    // Mouth: centre height, half-width, how far the corners rise, how far it opens.
    float my = 0, mw = 0, lift = 0, open = 0;

    float strand_amp = 0;  // hair strand stripes, faded out at small sizes
    float nose_shift = 0;  // the tip sticks out, so yaw moves it further than the face
    float glasses = 0, beard_a = 0, age_lines = 0, creases = 0;
};

Scene make_scene(const Attributes& in, int size, int supersample) {
    Attributes a{};
    const auto& table = attribute_table();
    for (int i = 0; i < kAttributeCount; ++i) {
        if (!std::isfinite(in[i])) {
            throw std::invalid_argument(std::string("render_portrait: attribute '") +
                                        table[i].name + "' is not a finite number");
        }
        a[i] = clampf(in[i], table[i].min, table[i].max);
    }
    const float skin_tone = a[0], face_width = a[1], hair_colour = a[2], hair_length = a[3],
                smile = a[4], eye_openness = a[5], gaze = a[6], brow_angle = a[7], glasses = a[8],
                frame_colour = a[9], beard = a[10], age = a[11], yaw = a[12], light_dir = a[13],
                light_strength = a[14], bg_hue = a[15];

    Scene s;
    s.aa = 2.f / static_cast<float>(size * supersample);

    // Light from the front-top, swung left or right. Wrap-around diffuse lighting keeps the
    // shadow side soft; light_strength trades ambient for directional light.
    {
        const float x = 0.85f * light_dir, y = -0.45f;
        const float z = std::sqrt(std::max(0.05f, 1.f - x * x - y * y));
        const float n = std::sqrt(x * x + y * y + z * z);
        s.lx = x / n;
        s.ly = y / n;
        s.lz = z / n;
        s.amb = 0.78f - 0.38f * light_strength;
        s.kd = 0.30f + 0.62f * light_strength;
        s.spec = 0.05f + 0.12f * light_strength;
        // Half vector between the light and the viewer (0, 0, 1).
        const float hn = std::sqrt(sq(s.lx) + sq(s.ly) + sq(s.lz + 1.f));
        s.hx = s.lx / hn;
        s.hy = s.ly / hn;
        s.hz = (s.lz + 1.f) / hn;
        s.ldir = light_dir;
        s.lstr = light_strength;
    }

    // Colours.
    const V3 skins[4] = {
        {0.98f, 0.84f, 0.74f}, {0.90f, 0.69f, 0.54f}, {0.68f, 0.47f, 0.33f}, {0.38f, 0.25f, 0.18f}};
    s.skin = ramp4(skins, skin_tone);
    const V3 hairs[4] = {
        {0.07f, 0.06f, 0.06f}, {0.33f, 0.20f, 0.11f}, {0.62f, 0.25f, 0.10f}, {0.93f, 0.79f, 0.50f}};
    const V3 grey{0.80f, 0.80f, 0.82f};
    const float greying = 0.9f * smoothstep(0.45f, 1.f, age);
    const V3 base_hair = ramp4(hairs, hair_colour);
    s.hair = mix(base_hair, grey, greying);
    // Eyebrows and beard are darker than the hair and grey more slowly.
    s.brow = mix(base_hair * 0.62f, grey * 0.85f, 0.6f * greying);
    s.beard = mix(base_hair * 0.8f, grey * 0.95f, greying);
    s.lip = mix(s.skin, V3{0.70f, 0.24f, 0.28f}, 0.6f);
    s.lip_line = mix(s.skin, V3{0.30f, 0.08f, 0.08f}, 0.6f);
    // The hue runs from red (0) to violet (0.8), not round the whole circle: a label whose two
    // ends looked the same could not be learned as a direction.
    const float hue = 0.8f * bg_hue;
    s.clothes = hsv(hue + 0.5f, 0.50f, 0.52f);
    const V3 frames[4] = {
        {0.06f, 0.06f, 0.07f}, {0.42f, 0.23f, 0.10f}, {0.72f, 0.12f, 0.12f}, {0.86f, 0.69f, 0.26f}};
    s.frame = ramp4(frames, frame_colour);
    s.bg_top = hsv(hue, 0.32f, 0.90f);
    s.bg_bottom = hsv(hue + 0.04f, 0.42f, 0.62f);

    // Head: centred; the face's width follows face_width; yaw slides the chin towards the turn.
    s.fcy = 0.05f;
    s.fry = 0.585f;
    s.fhw = 0.44f * (1.f + 0.13f * face_width);
    s.neck_hw = 0.15f + 0.02f * face_width;
    s.face_dx = 0.02f * yaw;
    s.chin_dx = 0.07f * yaw;
    // Feature frame: a turn by phi of a cylinder of radius R.
    const float phi = 0.36f * yaw;
    s.cyl_r = s.fhw * 1.12f;
    s.cos_phi = std::cos(phi);
    s.sin_phi = std::sin(phi);

    // Hair: a cap around the top of the head, and behind it a mass whose bottom edge follows
    // the length (above the ears when cropped, below the shoulders when long).
    s.cap_cx = -0.03f * yaw;
    s.cap_cy = s.fcy - 0.03f;
    s.cap_rx = s.fhw + 0.06f + 0.03f * hair_length;
    s.cap_ry = s.fry + 0.05f + 0.03f * hair_length;
    s.strip_hw = s.fhw + 0.06f + 0.08f * hair_length;
    s.hair_end = mixf(-0.12f, 1.05f, hair_length);
    // The fringe: its edge rises with age (a receding hairline), and the hair at the sides
    // comes further down the face when it is long.
    s.hairline = -0.42f - 0.07f * age;
    s.strand_amp = 0.05f * clamp01((0.09f / s.aa - 2.f) / 4.f);
    s.side_drop = 0.26f + 0.55f * smoothstep(0.2f, 0.8f, hair_length);
    s.front_rx = s.cap_rx + 0.02f * hair_length;
    const float ear_out = s.fhw * 0.96f;
    // The ear on the side the head turns to goes behind the head; the other faces us more.
    const float turn = std::fabs(yaw);
    const float near_ear = 1.f - 0.65f * turn;
    s.ear_x[0] = -ear_out + s.face_dx + (yaw > 0 ? 0.03f * turn : 0.f);
    s.ear_x[1] = ear_out + s.face_dx - (yaw < 0 ? 0.03f * turn : 0.f);
    s.ear_rx[0] = 0.065f * (yaw < 0 ? near_ear : 1.f);
    s.ear_rx[1] = 0.065f * (yaw > 0 ? near_ear : 1.f);

    // Eyes: the upper lid opens with sqrt(openness), so that 0.5 reads as relaxed, 1 as wide.
    s.eye_x = 0.185f;
    s.eye_y = -0.20f;
    s.eye_rx = 0.10f;
    s.lid_lo = 0.032f;
    s.lid_open = 0.10f * std::sqrt(eye_openness);
    s.iris_dx = 0.042f * gaze;

    s.brow_in = -0.32f - 0.05f * brow_angle;
    s.brow_out = -0.32f + 0.02f * brow_angle;

    // Mouth: the corners rise with the smile; past ~0.45 it opens, teeth first.
    s.my = 0.385f;
    s.mw = 0.135f + 0.035f * std::max(0.f, smile);
    s.lift = 0.07f * smile;
    s.open = smoothstep(0.45f, 0.95f, smile);
    s.creases = 0.30f * smoothstep(0.3f, 1.f, smile);

    s.nose_shift = 0.045f * yaw;
    s.glasses = glasses;
    s.beard_a = beard;
    s.age_lines = 0.55f * smoothstep(0.35f, 1.f, age);
    return s;
}

// Coverage of a shape at signed distance d (negative inside) over one sample's width.
inline float cover(const Scene& s, float d) {
    return clamp01(0.5f - d / s.aa);
}
// A soft edge `w` wide (for shadows, beard, blush), never sharper than a sample.
inline float soft(const Scene& s, float d, float w) {
    w = std::max(w, s.aa);
    return clamp01(0.5f - d / w);
}

// Lambert with wrap-around on an ellipsoid whose projected normal is (nx, ny).
inline float shade_ellipsoid(const Scene& s, float nx, float ny) {
    const float r2 = std::min(1.f, nx * nx + ny * ny);
    const float nz = std::sqrt(1.f - r2);
    const float d = nx * s.lx + ny * s.ly + nz * s.lz;
    const float wrap = clamp01((d + 0.35f) / 1.35f);
    return s.amb + s.kd * wrap;
}
inline float specular(const Scene& s, float nx, float ny) {
    const float r2 = std::min(1.f, nx * nx + ny * ny);
    const float nz = std::sqrt(1.f - r2);
    // Blinn-Phong, raised to the 16th power.
    float d = std::max(0.f, nx * s.hx + ny * s.hy + nz * s.hz);
    d *= d;
    d *= d;
    d *= d;
    d *= d;
    return s.spec * d;
}

// Screen x to the feature frame (see the top of the file): features at x_f appear at
// R sin(asin(x_f / R) + phi), so they slide towards the turn and compress near that edge.
inline float feature_x(const Scene& s, float x) {
    const float u = clampf((x - s.face_dx) / s.cyl_r, -1.f, 1.f);
    return s.cyl_r * (u * s.cos_phi - std::sqrt(1.f - u * u) * s.sin_phi);
}

// The head outline: an ellipse that narrows towards the chin, the chin slid by yaw.
inline float face_d(const Scene& s, float x, float y, float* nx, float* ny) {
    const float ly = y - s.fcy;
    const float t = clampf(ly / s.fry, -1.f, 1.f);
    const float lower = t > 0.f ? t * t : 0.f;
    const float rx = s.fhw * (1.f - 0.2f * lower);
    const float cx = s.face_dx + s.chin_dx * lower;
    const float lx = x - cx;
    if (nx) {
        *nx = lx / rx;
        *ny = ly / s.fry;
    }
    return ellipse_d(lx, ly, rx, s.fry);
}

void draw_background(const Scene& s, float x, float y, Paint& p) {
    const float t = 0.5f + 0.5f * y;
    V3 c = mix(s.bg_top, s.bg_bottom, t * t);
    // Brighter on the lit side, a soft vignette towards the corners.
    c = c * (1.f + 0.10f * s.ldir * x * s.lstr);
    c = c * (1.f - 0.22f * (x * x + y * y) * 0.5f);
    p.c = c;
    // The head's soft shadow on the wall, away from the light.
    const float sx = x - (-0.16f * s.ldir) - s.face_dx, sy = y - (s.fcy + 0.06f);
    if (std::fabs(sx) < 0.8f && sy > -0.9f) {
        const float d = ellipse_d(sx, sy, s.fhw + 0.08f, s.fry + 0.06f);
        p.darken((0.10f + 0.22f * s.lstr * std::fabs(s.ldir)) * soft(s, d + 0.05f, 0.22f));
    }
}

// Shoulders (an ellipse) with a U neckline cut out of them; the neck shows through the U.
constexpr float kShoulderCy = 1.24f, kShoulderRx = 1.05f, kShoulderRy = 0.56f;
constexpr float kNecklineCy = 0.66f, kNecklineRx = 0.20f, kNecklineRy = 0.17f;

void draw_clothes(const Scene& s, float x, float y, Paint& p) {
    if (y < kShoulderCy - kShoulderRy - 0.05f) return;
    const float cy = kShoulderCy, rx = kShoulderRx, ry = kShoulderRy;
    const float d = ellipse_d(x, y - cy, rx, ry);
    const float cut = ellipse_d(x, y - kNecklineCy, kNecklineRx, kNecklineRy);
    const float a = std::min(cover(s, d), cover(s, -cut));
    if (a <= 0.f) return;
    float l = shade_ellipsoid(s, x / rx, (y - cy) / ry);
    // A darker band along the neckline (the collar's edge).
    l *= 1.f - 0.25f * soft(s, std::fabs(cut - 0.012f) - 0.01f, 0.01f);
    p.over(s.clothes * l, a);
}

void draw_back_hair(const Scene& s, float x, float y, Paint& p) {
    const float hx = x - s.cap_cx, hy = y - s.cap_cy;
    if (std::fabs(hx) > s.strip_hw + 0.05f || hy < -s.cap_ry - 0.05f) return;
    const float cap = ellipse_d(hx, hy, s.cap_rx, s.cap_ry);
    // Below the head's widest line, long hair falls straight, ends slightly rounded and wavy.
    const float strip = std::max(std::fabs(hx) - s.strip_hw, -hy);
    const float end = s.hair_end + 0.015f * wave(30.f * x) -
                      0.10f * smoothstep(s.strip_hw - 0.18f, s.strip_hw, std::fabs(hx));
    const float d = std::max(std::min(cap, strip), y - end);
    const float a = cover(s, d);
    if (a <= 0.f) return;
    const float l =
        shade_ellipsoid(s, hx / (s.strip_hw + 0.02f), clampf(hy / s.cap_ry, -1.f, 1.f) * 0.7f);
    // Hair behind the head is in the head's shade: darker than the fringe.
    p.over(s.hair * (0.72f * l), a);
}

void draw_neck(const Scene& s, float x, float y, Paint& p) {
    if (y < 0.2f || y > 0.92f) return;
    const float hw = s.neck_hw;
    const float nx = x - 0.5f * s.face_dx;
    // The neck shows down to the neckline (the U of draw_clothes).
    const float u = clamp01(1.f - sq(nx / kNecklineRx));
    const float bottom = kNecklineCy + kNecklineRy * std::sqrt(u);
    const float d = std::max(std::fabs(nx) - hw, y - bottom);
    const float a = cover(s, d);
    if (a <= 0.f) return;
    // In the chin's shadow at the top; rounded like a cylinder.
    const float l = shade_ellipsoid(s, nx / (hw + 0.02f), 0.f) * 0.86f *
                    (0.70f + 0.30f * smoothstep(0.45f, 0.78f, y));
    p.over(s.skin * l, a);
}

void draw_ears(const Scene& s, float x, float y, Paint& p) {
    const float ey = -0.10f, ery = 0.11f;
    if (std::fabs(y - ey) > ery + 0.02f) return;
    for (int i = 0; i < 2; ++i) {
        const float ex = x - s.ear_x[i];
        if (std::fabs(ex) > s.ear_rx[i] + 0.02f) continue;
        const float d = ellipse_d(ex, y - ey, s.ear_rx[i], ery);
        const float a = cover(s, d);
        if (a <= 0.f) continue;
        const float l = shade_ellipsoid(s, ex / s.ear_rx[i], (y - ey) / ery) * 0.9f;
        V3 c = s.skin * l;
        // The hollow of the ear, on its outer side.
        const float side = i == 0 ? -1.f : 1.f;
        const float hollow =
            ellipse_d(ex - side * 0.012f, y - ey + 0.01f, s.ear_rx[i] * 0.45f, ery * 0.55f);
        c = c * (1.f - 0.25f * soft(s, hollow, 0.02f));
        p.over(c, a);
    }
}

// Beard top edge in the feature frame: high on the cheeks at the sides (sideburns), just
// above the mouth in the middle (moustache).
inline float beard_top(float xf) {
    return 0.26f - 0.30f * sq(clampf(xf / 0.42f, -1.f, 1.f));
}

// The part of the beard that grows past the jaw line, drawn before (under) the face.
void draw_beard_under(const Scene& s, float x, float y, Paint& p) {
    if (s.beard_a <= 0.f || y < 0.f || y > s.fcy + s.fry + 0.1f) return;
    const float d = face_d(s, x, y, nullptr, nullptr);
    const float grow = 0.05f * smoothstep(0.1f, 0.5f, y - s.fcy);
    const float a = soft(s, d - grow, 0.03f) * soft(s, beard_top(feature_x(s, x)) - y, 0.03f);
    if (a <= 0.f) return;
    const float l = shade_ellipsoid(s, (x - s.face_dx) / (s.fhw + 0.05f), (y - s.fcy) / s.fry);
    p.over(s.beard * (0.85f * l), a * s.beard_a);
}

// The face and everything on it.
void draw_face(const Scene& s, float x, float y, float d, float nx, float ny, Paint& p) {
    const float a = cover(s, d);
    if (a <= 0.f) return;
    const float l = shade_ellipsoid(s, nx * 0.9f, ny * 0.9f);
    V3 c = s.skin * l;
    // Shadows warm up (light scattered under the skin): less red lost than blue.
    c = c + V3{0.10f, 0.03f, 0.f} * (std::max(0.f, 1.f - l) * s.skin.r);
    c = c + V3{1.f, 0.95f, 0.9f} * specular(s, nx * 0.9f, ny * 0.9f);
    Paint f{c};

    const float xf = feature_x(s, x);
    const float ax = std::fabs(xf);

    // Cheeks: a faint blush.
    {
        const float bd = std::fabs(ax - 0.24f) < 0.14f && std::fabs(y - 0.1f) < 0.11f
                             ? ellipse_d(ax - 0.24f, y - 0.10f, 0.09f, 0.06f)
                             : 1.f;
        if (bd < 0.06f) f.over(V3{0.85f, 0.35f, 0.35f}, 0.10f * soft(s, bd, 0.08f));
    }

    // Age: forehead lines and lines under the eyes.
    if (s.age_lines > 0.f) {
        if (ax < 0.16f && y > -0.46f && y < -0.33f) {
            for (const float ly : {-0.405f, -0.365f}) {
                const float cy = ly + 0.02f * sq(xf / 0.16f);
                const float ld = std::fabs(y - cy) - 0.004f;
                const float fade = 1.f - smoothstep(0.10f, 0.16f, ax);
                f.darken(0.35f * s.age_lines * fade * cover(s, ld));
            }
        }
        const float ux = ax - s.eye_x;
        if (std::fabs(ux) < 0.08f && y > -0.2f && y < -0.1f) {
            const float cy = s.eye_y + s.lid_lo + 0.032f + 0.012f * sq(ux / 0.07f);
            const float ld = std::fabs(y - cy) - 0.004f;
            f.darken(0.35f * s.age_lines * (1.f - smoothstep(0.04f, 0.07f, std::fabs(ux))) *
                     cover(s, ld));
        }
    }

    // Nose: a soft shadow down the side away from the light, a darker patch under the tip,
    // nostrils, a highlight on the tip. The tip sticks out, so yaw moves it further.
    if (ax < 0.12f && y > -0.17f && y < 0.2f) {
        const float t = clamp01((y + 0.15f) / 0.28f);
        const float nose_x = xf - s.nose_shift * t;
        for (const float side : {-1.f, 1.f}) {
            // Shadowed more on the side away from the light (light_direction > 0: the left).
            const float away = clamp01(0.5f - 0.5f * side * s.ldir);
            const float w = (0.03f + 0.20f * away * (0.3f + s.lstr)) *
                            smoothstep(-0.08f, 0.02f, y) * (1.f - smoothstep(0.07f, 0.12f, y));
            const float sd = std::fabs(nose_x - side * (0.03f + 0.1f * std::max(0.f, y))) - 0.004f;
            f.darken(w * soft(s, sd, 0.018f));
        }
        const float under = ellipse_d(nose_x, y - 0.14f, 0.055f, 0.022f);
        f.darken(0.22f * soft(s, under, 0.02f));
        for (const float side : {-1.f, 1.f}) {
            const float nd = ellipse_d(nose_x - side * 0.026f, y - 0.132f, 0.013f, 0.008f);
            f.over(s.skin * 0.35f, 0.6f * cover(s, nd));
        }
        const float tip = ellipse_d(nose_x + 0.01f * s.ldir, y - 0.09f, 0.022f, 0.018f);
        f.over(V3{1.f, 0.96f, 0.92f}, (0.10f + 0.15f * s.lstr) * soft(s, tip, 0.02f));
    }

    // Beard: over the jaw, cheeks and upper lip, with a soft upper edge; under the mouth.
    if (s.beard_a > 0.f && y > -0.05f) {
        const float top = beard_top(xf);
        const float bd = y - top;
        const float ba = soft(s, -bd, 0.03f) * s.beard_a;
        if (ba > 0.f) {
            // Thinner at the top: the cheek line fades in, the moustache is denser.
            const float dense = 0.55f + 0.45f * smoothstep(top, top + 0.08f, y);
            f.over(s.beard * (0.85f * l), ba * dense);
        }
    }

    // Mouth.
    const float mx = xf - 0.5f * s.nose_shift;
    if (std::fabs(mx) < s.mw + 0.08f && y > s.my - 0.12f && y < s.my + 0.14f) {
        const float q = std::min(1.f, sq(mx / s.mw));
        const float inside_w = std::fabs(mx) - s.mw;  // < 0 between the corners
        const float line = s.my + 0.35f * s.lift - s.lift * q;
        const float pinch = 1.f - q;
        // Smile creases beside the corners (and, with age, the nose-to-mouth lines).
        const float crease_a = std::max(s.creases, 0.6f * s.age_lines);
        if (crease_a > 0.f) {
            const float cx = std::fabs(mx) - (s.mw + 0.03f) + 0.25f * (y - s.my) * (y - s.my) * 4.f;
            const float cd = std::fabs(cx) - 0.004f;
            const float along = smoothstep(s.my - 0.11f, s.my - 0.06f, y) *
                                (1.f - smoothstep(s.my + 0.01f, s.my + 0.05f, y));
            f.darken(0.4f * crease_a * along * cover(s, cd));
        }
        // Lips: the upper lip just above the line, the fuller lower lip below it (below the
        // opening when the mouth is open).
        const float gap = 0.075f * s.open * pinch;
        const float upper = std::max(inside_w, std::max(line - 0.022f * pinch - y, y - line));
        f.over(s.lip * (0.92f * l), 0.85f * cover(s, upper));
        const float lower_top = line + gap;
        const float lower =
            std::max(inside_w + 0.01f, std::max(lower_top - y, y - (lower_top + 0.034f * pinch)));
        f.over(s.lip * (1.02f * l), 0.85f * soft(s, lower, 0.008f));
        if (s.open > 0.f) {
            // The opening: dark inside, teeth along its top.
            const float od =
                std::max(inside_w, std::max(line - 0.006f * s.open * pinch - y, y - (line + gap)));
            const float oa = cover(s, od);
            if (oa > 0.f) {
                const bool teeth = y < line + std::min(gap * 0.55f, 0.032f * s.open);
                V3 col = teeth ? V3{0.96f, 0.94f, 0.90f} * std::min(1.f, 0.4f + l * 0.6f)
                               : V3{0.30f, 0.07f, 0.08f};
                f.over(col, oa);
            }
        }
        // The line between the lips, darkest at the corners.
        const float ld = std::max(std::fabs(y - line) - 0.007f - 0.004f * q, inside_w - 0.006f);
        f.over(s.lip_line, 0.9f * cover(s, ld));
    }

    // Eyes.
    {
        const float ex = ax - s.eye_x;
        const float ey = y - s.eye_y;
        if (std::fabs(ex) < s.eye_rx + 0.05f && ey > -0.13f && ey < 0.09f) {
            const float side = xf < 0.f ? -1.f : 1.f;
            // Shadow of the brow ridge over the eye socket.
            const float sock = ellipse_d(ex, ey + 0.015f, 0.115f, 0.07f);
            f.darken(0.12f * soft(s, sock, 0.05f));
            const float q = std::min(1.f, sq(ex / s.eye_rx));
            const float lo = s.lid_lo * (1.f - q);
            const float up = lo - s.lid_open * (1.f - q);
            const float ed = std::max(std::max(up - ey, ey - lo), std::fabs(ex) - s.eye_rx);
            const float ea = cover(s, ed);
            if (ea > 0.f) {
                // White, shaded under the upper lid.
                V3 col = V3{0.95f, 0.94f, 0.92f} * (0.80f + 0.2f * smoothstep(up, up + 0.03f, ey));
                // Iris (ex is mirrored for the left eye, the gaze is not).
                const float ix = (xf - side * s.eye_x) - s.iris_dx;
                const float iy = ey - 0.002f;
                const float ir = std::sqrt(ix * ix + iy * iy);
                const float iris_r = 0.040f;
                const float ia = cover(s, ir - iris_r);
                if (ia > 0.f) {
                    V3 ic = mix(V3{0.36f, 0.24f, 0.14f}, V3{0.16f, 0.10f, 0.06f},
                                smoothstep(0.01f, iris_r, ir));
                    ic = mix(ic, V3{0.03f, 0.03f, 0.03f}, cover(s, ir - 0.018f));
                    // The catch light, on the side of the light.
                    const float hd = std::sqrt(sq(ix + 0.012f - 0.01f * s.ldir) + sq(iy + 0.013f));
                    ic = mix(ic, V3{1.f, 1.f, 1.f}, 0.9f * cover(s, hd - 0.008f));
                    col = mix(col, ic, ia);
                }
                f.over(col, ea);
            }
            // The upper lid's lash line (also the whole eye when it is closed).
            const float lash = std::max(std::fabs(ey - (up - 0.004f)) - 0.008f - 0.004f * (1.f - q),
                                        std::fabs(ex) - s.eye_rx - 0.01f);
            f.over(V3{0.12f, 0.08f, 0.07f}, 0.92f * cover(s, lash));
            // A faint lower lid line.
            const float low =
                std::max(std::fabs(ey - lo - 0.004f) - 0.003f, std::fabs(ex) - s.eye_rx * 0.9f);
            f.darken(0.25f * cover(s, low));
        }
    }

    // Eyebrows: tapered, slightly arched capsules; brow_in / brow_out set their tilt.
    {
        const float bx = ax;
        if (bx > 0.05f && bx < 0.33f && y > -0.42f && y < -0.22f) {
            float t = 0;
            const float x0 = 0.09f, x1 = 0.29f;
            // The arch: lift the middle by bending the query point down.
            const float u = clamp01((bx - x0) / (x1 - x0));
            const float yy = y + 0.018f * 4.f * u * (1.f - u);
            const float dd = segment_d(bx, yy, x0, s.brow_in, x1, s.brow_out, &t);
            const float r = mixf(0.024f, 0.012f, t);
            f.over(s.brow, 0.95f * cover(s, dd - r));
        }
    }

    // Glasses: two rounded rims, a bridge, the arms to the ears, tinted lenses with a glint.
    if (s.glasses > 0.f && y > -0.32f && y < -0.08f) {
        const float gy = y - (s.eye_y + 0.005f);
        const float gx = ax - s.eye_x;
        const float rim = ellipse_d(gx, gy, 0.118f, 0.088f);
        if (rim < 0.f) {
            f.over(V3{0.80f, 0.90f, 1.f}, 0.14f * s.glasses);
            const float glint = std::fabs((gx + 0.04f * s.ldir) + 0.7f * gy - 0.03f) - 0.012f;
            f.over(V3{1.f, 1.f, 1.f},
                   0.30f * s.glasses * soft(s, glint, 0.01f) * smoothstep(0.f, 0.02f, -rim));
        }
        float dd = std::fabs(rim) - 0.011f;
        // Bridge (over the nose) and arms (from the rims' outer edges to the ears).
        const float by = y - (s.eye_y - 0.012f) + 0.01f * sq(xf / 0.07f);
        dd = std::min(dd, std::max(std::fabs(by) - 0.010f, std::fabs(xf) - 0.075f));
        const float arm =
            std::max(std::fabs(y - (s.eye_y - 0.02f)) - 0.009f, std::max(0.29f - ax, ax - 0.47f));
        dd = std::min(dd, arm);
        const float fa = cover(s, dd) * s.glasses;
        if (fa > 0.f) {
            const float fl = 0.75f + 0.5f * soft(s, gy + 0.06f, 0.05f) * s.lstr;
            f.over(s.frame * fl, fa);
        }
    }

    p.over(f.c, a);
}

// Fringe: inside the hair cap and above the hairline, which comes down at the temples (over
// the ears when the hair is long).
void draw_fringe(const Scene& s, float x, float y, Paint& p) {
    // Nothing below the lowest point of the hairline (the wave adds 0.012, the tilt 0.07).
    if (y > s.hairline + s.side_drop + 0.1f) return;
    const float hx = x - s.cap_cx, hy = y - s.cap_cy;
    if (std::fabs(hx) > s.front_rx + s.aa) return;
    const float cap = ellipse_d(hx, hy, s.front_rx, s.cap_ry);
    if (cap > s.aa) return;
    const float xf = feature_x(s, x);
    const float ax = std::fabs(xf);
    // A side parting: a little lower on the image's right, with a gentle wave.
    const float line = s.hairline + 0.05f * (xf / 0.4f) + 0.012f * wave(18.f * xf) +
                       s.side_drop * smoothstep(0.24f, 0.52f, ax);
    const float hd = std::max(cap, y - line);
    const float ha = cover(s, hd);
    if (ha <= 0.f) return;
    const float hl = shade_ellipsoid(s, hx / s.front_rx, hy / s.cap_ry);
    // Strands: a faint stripe pattern, and a sheen band across the crown.
    // Its period is 0.09 scene units: faded out where a sample is too coarse to show it (small
    // images), where it would only alias.
    const float strands = 1.f + s.strand_amp * wave(70.f * xf + 12.f * y);
    const float sheen =
        1.f + 0.12f * s.lstr * soft(s, std::fabs(hy / s.cap_ry + 0.55f) - 0.05f, 0.08f);
    p.over(s.hair * (hl * strands * sheen), ha);
}

V3 shade_sample(const Scene& s, float x, float y) {
    Paint p{};
    float nx = 0, ny = 0;
    const float fd = face_d(s, x, y, &nx, &ny);
    // Where the face covers the sample completely, nothing behind it can show: skip it.
    if (cover(s, fd) < 1.f) {
        draw_background(s, x, y, p);
        draw_clothes(s, x, y, p);
        draw_back_hair(s, x, y, p);
        draw_neck(s, x, y, p);
        draw_ears(s, x, y, p);
        draw_beard_under(s, x, y, p);
    }
    draw_face(s, x, y, fd, nx, ny, p);
    draw_fringe(s, x, y, p);
    return p.c;
}

inline uint8_t to_byte(float v) {
    return static_cast<uint8_t>(clamp01(v) * 255.f + 0.5f);
}

}  // namespace

void render_portrait(const Attributes& a, const RenderOptions& o, uint8_t* rgb) {
    if (o.size < 8 || o.size > 4096) {
        throw std::invalid_argument("render_portrait: size " + std::to_string(o.size) +
                                    " is outside 8..4096");
    }
    if (o.supersample < 1 || o.supersample > 8) {
        throw std::invalid_argument("render_portrait: supersample " +
                                    std::to_string(o.supersample) + " is outside 1..8");
    }
    if (!rgb) throw std::invalid_argument("render_portrait: no output buffer");
    const Scene s = make_scene(a, o.size, o.supersample);
    const int n = o.size, k = o.supersample;
    const float px = 2.f / static_cast<float>(n);
    const float inv = 1.f / static_cast<float>(k * k);
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) {
            V3 sum{0.f, 0.f, 0.f};
            for (int sj = 0; sj < k; ++sj) {
                const float y =
                    -1.f + px * (static_cast<float>(j) +
                                 (static_cast<float>(sj) + 0.5f) / static_cast<float>(k));
                for (int si = 0; si < k; ++si) {
                    const float x =
                        -1.f + px * (static_cast<float>(i) +
                                     (static_cast<float>(si) + 0.5f) / static_cast<float>(k));
                    sum = sum + shade_sample(s, x, y);
                }
            }
            uint8_t* out = rgb + (static_cast<size_t>(j) * n + i) * 3;
            out[0] = to_byte(sum.r * inv);
            out[1] = to_byte(sum.g * inv);
            out[2] = to_byte(sum.b * inv);
        }
    }
}

std::vector<uint8_t> render_portrait(const Attributes& a, const RenderOptions& o) {
    if (o.size < 8 || o.size > 4096) {
        throw std::invalid_argument("render_portrait: size " + std::to_string(o.size) +
                                    " is outside 8..4096");
    }
    std::vector<uint8_t> rgb(static_cast<size_t>(o.size) * o.size * 3);
    render_portrait(a, o, rgb.data());
    return rgb;
}

Box region_box(Region r) {
    // Scene coordinates [-1, 1] to image fractions; generous margins around what is drawn.
    auto box = [](float x0, float y0, float x1, float y1) {
        return Box{0.5f + 0.5f * x0, 0.5f + 0.5f * y0, 0.5f + 0.5f * x1, 0.5f + 0.5f * y1};
    };
    switch (r) {
        case Region::LeftEye:
            return box(-0.33f, -0.36f, -0.04f, -0.08f);
        case Region::RightEye:
            return box(0.04f, -0.36f, 0.33f, -0.08f);
        case Region::Eyes:
            return box(-0.58f, -0.38f, 0.58f, -0.04f);
        default:
            return box(-0.32f, 0.20f, 0.32f, 0.60f);
    }
}

}  // namespace ls::portrait
