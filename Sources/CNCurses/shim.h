#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncurses.h>
#include <locale.h>
#include <poll.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

/* ncurses macros and globals Swift cannot import under strict concurrency. */
static inline int CNCurses_lines(void) { return LINES; }
static inline int CNCurses_cols(void) { return COLS; }
static inline WINDOW *CNCurses_stdscr(void) { return stdscr; }
static inline attr_t CNCurses_bold(void) { return A_BOLD; }
static inline attr_t CNCurses_reverse(void) { return A_REVERSE; }
static inline attr_t CNCurses_underline(void) { return A_UNDERLINE; }
static inline attr_t CNCurses_dim(void) { return A_DIM; }
static inline attr_t CNCurses_normal(void) { return A_NORMAL; }
static inline attr_t CNCurses_colorPair(int n) { return COLOR_PAIR(n); }
static inline int CNCurses_err(void) { return ERR; }
static inline int CNCurses_ok(void) { return OK; }
static inline int CNCurses_keyCodeYes(void) { return KEY_CODE_YES; }
static inline int CNCurses_keyResize(void) { return KEY_RESIZE; }
static inline int CNCurses_keyUp(void) { return KEY_UP; }
static inline int CNCurses_keyDown(void) { return KEY_DOWN; }
static inline int CNCurses_keyLeft(void) { return KEY_LEFT; }
static inline int CNCurses_keyRight(void) { return KEY_RIGHT; }
static inline int CNCurses_keyHome(void) { return KEY_HOME; }
static inline int CNCurses_keyEnd(void) { return KEY_END; }
static inline int CNCurses_keyNPage(void) { return KEY_NPAGE; }
static inline int CNCurses_keyPPage(void) { return KEY_PPAGE; }
static inline int CNCurses_keyEnter(void) { return KEY_ENTER; }
static inline int CNCurses_keyBackspace(void) { return KEY_BACKSPACE; }
static inline int CNCurses_keyDC(void) { return KEY_DC; }
static inline int CNCurses_keyBTab(void) { return KEY_BTAB; }
static inline int CNCurses_keyMouse(void) { return KEY_MOUSE; }
/* Mouse reporting for clicks, double clicks and the wheel (buttons 4 and 5), or none. */
static inline void CNCurses_enableMouse(int on) {
    mousemask(on ? (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0, NULL);
    mouseinterval(on ? 200 : 0);
}
/* The pending mouse event: 0 and its cell and kind (1 click, 2 double click, 3 wheel up,
   4 wheel down, 0 other), or -1 when there is none. */
static inline int CNCurses_readMouse(int *row, int *col, int *kind) {
    MEVENT e;
    if (getmouse(&e) != OK) return -1;
    *row = e.y;
    *col = e.x;
    *kind = (e.bstate & BUTTON1_DOUBLE_CLICKED) ? 2 : (e.bstate & BUTTON1_CLICKED) ? 1
          : (e.bstate & BUTTON4_PRESSED) ? 3 : (e.bstate & BUTTON5_PRESSED) ? 4 : 0;
    return 0;
}
static inline int CNCurses_colorBlack(void) { return COLOR_BLACK; }
/* How many colours the terminal has (the COLORS global, after start_color). */
static inline int CNCurses_colors(void) { return COLORS; }
/* A colour pair of any colour numbers (256 colours, or 0xRRGGBB on direct-colour terminals). */
static inline int CNCurses_initPair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg); }
static inline int CNCurses_colorRed(void) { return COLOR_RED; }
static inline int CNCurses_colorGreen(void) { return COLOR_GREEN; }
static inline int CNCurses_colorYellow(void) { return COLOR_YELLOW; }
static inline int CNCurses_colorBlue(void) { return COLOR_BLUE; }
static inline int CNCurses_colorMagenta(void) { return COLOR_MAGENTA; }
static inline int CNCurses_colorCyan(void) { return COLOR_CYAN; }
static inline int CNCurses_colorWhite(void) { return COLOR_WHITE; }
static inline short CNCurses_pollIn(void) { return POLLIN; }
static inline int CNCurses_eintr(void) { return EINTR; }
static inline int CNCurses_eagain(void) { return EAGAIN; }
static inline int CNCurses_errno(void) { return errno; }
/* Terminal size straight from the tty (for SIGWINCH handling). */
static inline int CNCurses_ttySize(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col; return 0;
}
static inline int CNCurses_setNonBlocking(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -1;
    return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}
static inline int CNCurses_lcAll(void) { return LC_ALL; }
#endif
