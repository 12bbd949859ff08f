from portal.navigation import ACCOUNT_MENU_ITEMS, nav_items_for
from portal.utility import utility_get


def utility(request):
    return {
        "utility": utility_get(),
        "nav_items": nav_items_for(request),
        "account_menu_items": nav_items_for(request, ACCOUNT_MENU_ITEMS),
    }
