import { Link, Outlet, useLocation, useNavigate } from "@tanstack/react-router";
import { useEffect, useState } from "react";

import { Brand } from "../components/ui";
import { allows } from "../auth/permissions";
import { useMe } from "../auth/session";
import { UserMenu } from "../features/auth/UserMenu";
import { PAGES } from "./pages";

const NAV_ITEM =
  "flex items-center border-l-2 px-3 py-2 no-underline focus-visible:-outline-offset-2 focus-visible:outline-sky-400 sm:border-b-2 sm:border-l-0 sm:py-0";

/** The pages the signed-in user may open (the ones needing no particular right at first). */
function usePages() {
  const me = useMe();
  return PAGES.filter((page) => !("need" in page) || allows(me.data, page.need));
}

/** Header (pages and user menu) over the page; the pages ask the API in parallel with
 * `/auth/me`, and any 401 among them sends the user to the login page. On a phone the pages
 * fold behind a menu button and open as a list under the header (closed again by a choice). */
/** Ctrl+K (⌘K on a Mac) opens the Ask page from anywhere, its question box focused. */
function useAskShortcut() {
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
        event.preventDefault();
        void navigate({ to: "/ask" }).then(() => {
          document.getElementById("ask-question")?.focus();
        });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [navigate]);
}

export function AppLayout() {
  const pages = usePages();
  const [navOpen, setNavOpen] = useState(false);
  useAskShortcut();
  return (
    <div>
      <header className="flex min-h-14 flex-wrap items-center gap-x-8 bg-slate-900 px-4 text-slate-50 sm:h-14 sm:flex-nowrap sm:px-8">
        <button
          type="button"
          data-testid="nav-toggle"
          className="-ml-1 cursor-pointer rounded-md border-none bg-transparent px-2 py-1 text-xl text-slate-200 sm:hidden"
          aria-expanded={navOpen}
          aria-controls="page-nav"
          aria-label={navOpen ? "Close the page menu" : "Open the page menu"}
          onClick={() => {
            setNavOpen(!navOpen);
          }}
        >
          {navOpen ? "✕" : "☰"}
        </button>
        <Brand />
        <nav
          id="page-nav"
          className={
            navOpen
              ? "order-last flex w-full flex-col pb-2 sm:order-none sm:h-full sm:w-auto sm:flex-row sm:gap-1 sm:overflow-x-auto sm:pb-0"
              : "hidden h-full gap-1 overflow-x-auto sm:flex"
          }
          aria-label="Pages"
        >
          {pages.map((page) => (
            <Link
              key={page.path}
              to={page.path}
              activeOptions={{ exact: true, includeSearch: false }}
              className={NAV_ITEM}
              activeProps={{ className: "border-sky-400 text-white", "aria-current": "page" }}
              inactiveProps={{ className: "border-transparent text-slate-300 hover:text-white" }}
              onClick={() => {
                setNavOpen(false);
              }}
            >
              {page.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto">
          <UserMenu />
        </div>
      </header>
      <main className="mx-auto flex max-w-[1440px] flex-col gap-5 px-3 pt-4 pb-10 sm:px-8 sm:pt-6">
        <Outlet />
      </main>
    </div>
  );
}

/** The login page alone; every other page inside the layout. */
export function RootLayout() {
  const onLogin = useLocation({ select: (location) => location.pathname === "/login" });
  return onLogin ? <Outlet /> : <AppLayout />;
}
