/* ./manage for the shop project (Django's manage.py). */
#include "shop/shop.h"

int main(int argc, char **argv)
{
    return mn_manage_main(&shop_project, argc, argv);
}
